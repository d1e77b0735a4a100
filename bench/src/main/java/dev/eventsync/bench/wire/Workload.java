package dev.eventsync.bench.wire;

import java.time.Duration;
import java.util.Locale;

/**
 * What the load generator does against one server. Every mode first connects its clients (each with a live
 * pull, as LiveStore holds one per client), runs for {@code warmup}, measures for {@code measure}, then stops
 * sending and verifies what the server answered.
 *
 * @param mode          see {@link Mode}
 * @param stores        push: stores written at once
 * @param connections   push: client connections per store
 * @param batch         push: events per push (LiveStore sends at most 100)
 * @param contend       push: {@code false} = {@code lock} (one push in flight per store, clients take turns),
 *                      {@code true} = {@code contend} (every client pushes optimistically from what it has seen
 *                      and rebases on {@code ServerAheadError})
 * @param pullEvents    pull: events in the store that is caught up
 * @param pullers       pull: clients pulling it at once, each from the start, over and over
 * @param subscribers   fan-out: live subscribers of one store, one connection each
 * @param pushesPerSecond fan-out: one-event pushes per second into that store
 * @param idle          idle: live connections held open (one store each)
 * @param warmup        time before the measurement
 * @param measure       the measured time
 */
public record Workload(Mode mode, int stores, int connections, int batch, boolean contend, int pullEvents,
                       int pullers, int subscribers, int pushesPerSecond, int idle, Duration warmup,
                       Duration measure) {

    /** The four workloads of issue 13. */
    public enum Mode { PUSH, PULL, FANOUT, IDLE }

    public static Workload push(int stores, int connections, int batch, boolean contend) {
        return new Workload(Mode.PUSH, stores, connections, batch, contend, 0, 0, 0, 0, 0,
                Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    public static Workload pull(int events, int pullers) {
        return new Workload(Mode.PULL, 1, 1, 100, false, events, pullers, 0, 0, 0,
                Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    public static Workload fanout(int subscribers, int pushesPerSecond) {
        return new Workload(Mode.FANOUT, 1, 1, 1, false, 0, 0, subscribers, pushesPerSecond, 0,
                Duration.ofSeconds(2), Duration.ofSeconds(3));
    }

    public static Workload idle(int connections) {
        return new Workload(Mode.IDLE, 0, 0, 0, false, 0, 0, 0, 0, connections,
                Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    public Workload withTimes(Duration warmup, Duration measure) {
        return new Workload(mode, stores, connections, batch, contend, pullEvents, pullers, subscribers,
                pushesPerSecond, idle, warmup, measure);
    }

    /** A short description, for logs and results. */
    public String describe() {
        return switch (mode) {
            case PUSH -> String.format(Locale.ROOT, "push %d stores x %d connections, batch %d, %s", stores,
                    connections, batch, contend ? "contend" : "lock");
            case PULL -> String.format(Locale.ROOT, "catch-up pull of %d events, %d puller(s)", pullEvents, pullers);
            case FANOUT -> String.format(Locale.ROOT, "fan-out to %d live subscribers, %d pushes/s", subscribers,
                    pushesPerSecond);
            case IDLE -> String.format(Locale.ROOT, "%d idle live connections", idle);
        };
    }
}
