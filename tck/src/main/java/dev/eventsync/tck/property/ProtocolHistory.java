package dev.eventsync.tck.property;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncBackend;
import dev.eventsync.api.SyncError;
import dev.eventsync.tck.PullProbe;
import dev.eventsync.tck.Trial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Concurrent multi-client histories against a sync server: generation (seeded), execution (clients race
 * within a round; rounds follow each other) and recording as a {@link History} for the
 * {@link HistoryChecker}. Steps are intents resolved by each client against what it knows when the step
 * runs ("push on the head I know", "push on an older head"), so every sub-list of a program, as the
 * shrinker makes them, is still a valid program.
 */
public final class ProtocolHistory {

    private ProtocolHistory() {
    }

    /** How a push picks its parent. */
    public enum PushMode { EXTEND, STALE, AHEAD }

    /** One step: in round {@code round}, client {@code client} does {@code action}. */
    public record Step(int index, int round, int client, Action action) {
        @Override
        public String toString() {
            return "#" + index + " round " + round + " client " + client + ": " + action;
        }
    }

    /** What a step does. */
    public sealed interface Action {
    }

    /** Pushes {@code count} events on a parent chosen by {@code mode}. */
    public record Push(PushMode mode, int count, int offset, long dataSeed) implements Action {
    }

    /** A non-live pull from the cursor number {@code pick} among the client's known cursors. */
    public record Pull(int pick) implements Action {
    }

    /** Opens live pull number {@code slot} of the client from a known cursor. */
    public record OpenLive(int slot, int pick) implements Action {
    }

    /** Closes (cancels) live pull number {@code slot} of the client, if open. */
    public record CloseLive(int slot) implements Action {
    }

    /** A random program of about {@code length} steps for {@code clients} clients. */
    public static List<Step> generate(Gen gen, int clients, int length) {
        List<Step> steps = new ArrayList<>();
        int round = 0;
        while (steps.size() < length) {
            int inRound = gen.between(1, clients + 1);
            for (int k = 0; k < inRound && steps.size() < length; k++) {
                int client = gen.between(0, clients - 1);
                int kind = gen.between(0, 99);
                Action action;
                if (kind < 45) {
                    action = new Push(PushMode.EXTEND, gen.between(1, 4), 0, gen.betweenLong(0, Long.MAX_VALUE - 1));
                } else if (kind < 55) {
                    action = new Push(PushMode.STALE, gen.between(1, 3), gen.between(1, 4), gen.betweenLong(0, Long.MAX_VALUE - 1));
                } else if (kind < 60) {
                    action = new Push(PushMode.AHEAD, gen.between(1, 3), gen.between(1, 4), gen.betweenLong(0, Long.MAX_VALUE - 1));
                } else if (kind < 78) {
                    action = new Pull(gen.between(0, 999));
                } else if (kind < 92) {
                    action = new OpenLive(gen.between(0, 1), gen.between(0, 999));
                } else {
                    action = new CloseLive(gen.between(0, 1));
                }
                steps.add(new Step(steps.size(), round, client, action));
            }
            round++;
        }
        return steps;
    }

    /** A client's knowledge during a run. */
    private static final class ClientState {
        long knownHead;
        final List<Long> cursors = new ArrayList<>(List.of(0L));
        final Map<Integer, Live> lives = new HashMap<>();

        void learn(long seqNum) {
            knownHead = Math.max(knownHead, seqNum);
            if (!cursors.contains(seqNum)) {
                cursors.add(seqNum);
            }
        }
    }

    private record Live(int step, int client, PullProbe probe, OptionalLong cursor, long opened, AtomicLong closed) {
    }

    /**
     * Runs {@code program} with {@code clients} clients of {@code store} made by {@code connect}, and
     * records what happened. Errors seen on the clients' threads go to {@code trial}.
     */
    public static History run(List<Step> program, int clients, Function<StoreId, SyncBackend> connect, StoreId store,
                              Trial trial, Duration timeout) throws InterruptedException {
        return run(program, clients, connect, store, trial, timeout, true);
    }

    /**
     * {@link #run(List, int, Function, StoreId, Trial, Duration)}; with {@code exactArgs} false the pushed args
     * avoid {@link Gen#TRICKY_ARGS}, for servers that promise equal JSON only (profile livestore).
     */
    public static History run(List<Step> program, int clients, Function<StoreId, SyncBackend> connect, StoreId store,
                              Trial trial, Duration timeout, boolean exactArgs) throws InterruptedException {
        AtomicLong clock = new AtomicLong();
        List<SyncBackend> backends = new ArrayList<>();
        List<ClientState> states = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            backends.add(connect.apply(store));
            states.add(new ClientState());
        }
        ConcurrentLinkedQueue<History.PushRecord> pushes = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<History.PullRecord> pulls = new ConcurrentLinkedQueue<>();
        List<Live> allLives = java.util.Collections.synchronizedList(new ArrayList<>());
        TreeMap<Integer, List<Step>> rounds = new TreeMap<>();
        for (Step s : program) {
            rounds.computeIfAbsent(s.round(), r -> new ArrayList<>()).add(s);
        }
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (List<Step> round : rounds.values()) {
                List<Future<?>> running = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    final int client = c;
                    List<Step> mine = round.stream().filter(s -> s.client() == client).toList();
                    if (mine.isEmpty()) {
                        continue;
                    }
                    running.add(pool.submit(() -> {
                        for (Step s : mine) {
                            runStep(s, backends.get(client), states.get(client), clock, pushes, pulls, allLives, trial, timeout,
                                    exactArgs);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    try {
                        f.get(timeout.toMillis() * 4, TimeUnit.MILLISECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        trial.flop("a client's step failed: " + (e.getCause() == null ? e : e.getCause()));
                    }
                }
            }
            // settle: read the final log with a fresh client, then let every open live pull catch up to it
            List<Event> finalLog = new ArrayList<>();
            String backendId;
            try (SyncBackend reader = connect.apply(store)) {
                PullProbe all = PullProbe.auto("final pull", trial);
                reader.pull(Optional.empty(), false).subscribe(all);
                if (!all.awaitTerminal(timeout) || all.error().isPresent()) {
                    throw trial.violation("the final non-live pull of the run did not complete",
                            "a completed pull", all.toString());
                }
                if (all.pages().isEmpty()) {
                    throw trial.violation("the final non-live pull of the run completed without a page",
                            "at least one page (an empty store still gets {batch: [], NoMore})", all.toString());
                }
                all.events().forEach(e -> finalLog.add(e.event()));
                backendId = all.pages().get(0).backendId();
            }
            long finalHead = finalLog.isEmpty() ? 0 : finalLog.get(finalLog.size() - 1).seqNum();
            List<History.LiveRecord> lives = new ArrayList<>();
            synchronized (allLives) {
                for (Live live : allLives) {
                    if (live.closed().get() < 0) {
                        live.probe().awaitSeqNum(finalHead, finalHead == live.cursor().orElse(0) ? Duration.ZERO : timeout);
                    }
                    live.probe().cancel();
                    long closed = live.closed().get();
                    lives.add(new History.LiveRecord(live.step(), live.client(), live.cursor(), live.opened(),
                            closed < 0 ? OptionalLong.empty() : OptionalLong.of(closed), live.probe().pages(),
                            live.probe().error().map(String::valueOf)));
                }
            }
            return new History(new ArrayList<>(pushes), new ArrayList<>(pulls), lives, finalLog, backendId);
        } finally {
            pool.shutdownNow();
            backends.forEach(SyncBackend::close);
        }
    }

    private static void runStep(Step s, SyncBackend backend, ClientState state, AtomicLong clock,
                                ConcurrentLinkedQueue<History.PushRecord> pushes,
                                ConcurrentLinkedQueue<History.PullRecord> pulls, List<Live> allLives, Trial trial,
                                Duration timeout, boolean exactArgs) throws InterruptedException {
        if (s.action() instanceof Push push) {
            // like a real client, learn the head from this client's own live pulls before pushing
            state.lives.values().forEach(l -> l.probe().seqNums().forEach(state::learn));
            long parent = switch (push.mode()) {
                case EXTEND -> state.knownHead;
                case STALE -> Math.max(0, state.knownHead - push.offset());
                case AHEAD -> state.knownHead + push.offset();
            };
            // the step index in the sessionId keeps every generated event unique, even with absent args
            Gen data = exactArgs ? new Gen(push.dataSeed()) : new Gen(push.dataSeed()).withoutTrickyArgs();
            List<Event> batch = data.chain(parent, push.count(), 2, "client-" + s.client(),
                    "session-" + s.client() + "-" + s.index(), "s" + s.index());
            long invoked = clock.incrementAndGet();
            PushOutcome outcome = PushOutcome.call(() -> backend.push(batch), timeout);
            long responded = clock.incrementAndGet();
            pushes.add(new History.PushRecord(s.index(), s.client(), batch, invoked, responded, outcome));
            if (outcome instanceof PushOutcome.Acked a && a.result() instanceof PushResult.Appended) {
                batch.forEach(e -> state.learn(e.seqNum()));
            } else if (outcome instanceof PushOutcome.Refused r && r.error() instanceof SyncError.ServerAhead sa) {
                state.knownHead = sa.minimumExpectedNum();
            }
        } else if (s.action() instanceof Pull pull) {
            long cursor = state.cursors.get(pull.pick() % state.cursors.size());
            OptionalLong c = cursor == 0 && pull.pick() % 2 == 0 ? OptionalLong.empty() : OptionalLong.of(cursor);
            PullProbe probe = PullProbe.auto("pull #" + s.index(), trial);
            long invoked = clock.incrementAndGet();
            backend.pull(c.isPresent() ? Optional.of(PullCursor.after(cursor)) : Optional.empty(), false).subscribe(probe);
            probe.awaitTerminal(timeout);
            long responded = clock.incrementAndGet();
            probe.cancel();
            pulls.add(new History.PullRecord(s.index(), s.client(), c, invoked, responded, probe.pages(),
                    probe.isCompleted(), probe.error().map(String::valueOf)));
            probe.seqNums().forEach(state::learn);
        } else if (s.action() instanceof OpenLive open) {
            if (state.lives.containsKey(open.slot())) {
                return;
            }
            long cursor = state.cursors.get(open.pick() % state.cursors.size());
            PullProbe probe = PullProbe.auto("live #" + s.index(), trial);
            long opened = clock.incrementAndGet();
            backend.pull(Optional.of(PullCursor.after(cursor)), true).subscribe(probe);
            Live live = new Live(s.index(), s.client(), probe, OptionalLong.of(cursor), opened, new AtomicLong(-1));
            state.lives.put(open.slot(), live);
            allLives.add(live);
            // a live pull is useful once it is caught up; wait for that so the history is meaningful
            probe.awaitCaughtUp(timeout);
        } else if (s.action() instanceof CloseLive close) {
            Live live = state.lives.remove(close.slot());
            if (live != null) {
                live.probe().cancel();
                live.closed().set(clock.incrementAndGet());
            }
        }
    }

    /** The program as lines for a failure message. */
    public static List<String> describe(List<Step> program) {
        return program.stream().map(Step::toString).toList();
    }
}
