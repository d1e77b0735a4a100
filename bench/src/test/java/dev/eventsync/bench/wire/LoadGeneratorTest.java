package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.bench.floor.FloorServer;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every workload runs, verified, against the transport floor and against Eventsync on memory storage, and a
 * server that answers wrongly is caught. Short runs: this is a test of the benchmark, not a measurement.
 */
class LoadGeneratorTest {

    private static final Duration WARMUP = Duration.ofMillis(200);
    private static final Duration MEASURE = Duration.ofMillis(300);

    private static LoadGenerator generator;
    private static FloorServer floor;
    private static EventsyncServer eventsync;

    @BeforeAll
    static void start() throws Exception {
        generator = new LoadGenerator(true);
        floor = FloorServer.start(0, 2, false);
        eventsync = Eventsync.builder().config(ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("memory"))).build().start();
    }

    @AfterAll
    static void stop() {
        generator.close();
        floor.close();
        eventsync.close();
    }

    private static LoadGenerator.Outcome run(Workload w, int port) throws Exception {
        LoadGenerator.Outcome outcome = generator.run(w.withTimes(WARMUP, MEASURE), port, LoadGenerator.Window.NONE);
        assertThat(outcome.problems()).isEmpty();
        assertThat(outcome.verdict().ok()).as(outcome.verdict().toString()).isTrue();
        assertThat(outcome.verified()).isTrue();
        return outcome;
    }

    @Test
    void pushLockAndContendAreVerifiedOnBothServers() throws Exception {
        for (int port : new int[] {floor.port(), eventsync.port()}) {
            assertThat(run(Workload.push(2, 2, 10, false), port).extra().get("acked_total")).isPositive();
            LoadGenerator.Outcome contend = run(Workload.push(1, 3, 5, true), port);
            assertThat(contend.extra().get("acked_total")).isPositive();
            // three clients start at head 0 at once: at most one of them can win
            assertThat(contend.extra().get("conflicts")).isGreaterThanOrEqualTo(2.0);
        }
    }

    @Test
    void catchUpPullsAreExactOnBothServers() throws Exception {
        for (int port : new int[] {floor.port(), eventsync.port()}) {
            LoadGenerator.Outcome outcome = run(Workload.pull(250, 2), port);
            assertThat(outcome.extra().get("pulls")).isPositive();
        }
    }

    @Test
    void fanOutReportsLatencyAndNoLossOnBothServers() throws Exception {
        for (int port : new int[] {floor.port(), eventsync.port()}) {
            LoadGenerator.Outcome outcome = run(Workload.fanout(20, 50), port);
            // every subscriber got every push (the verdict), and there were pushes to get
            assertThat(outcome.extra().get("pushes_total")).isPositive();
            assertThat(outcome.extra().get("lost")).isZero();
            assertThat(outcome.extra().get("p99_ms")).isGreaterThanOrEqualTo(outcome.extra().get("p50_ms"));
        }
    }

    @Test
    void idleConnectionsStayOpenOnBothServers() throws Exception {
        for (int port : new int[] {floor.port(), eventsync.port()}) {
            assertThat(run(Workload.idle(50), port).events()).isEqualTo(50);
        }
    }
}
