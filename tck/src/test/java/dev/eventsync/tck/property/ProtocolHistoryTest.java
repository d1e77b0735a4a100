package dev.eventsync.tck.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.tck.Rule;
import dev.eventsync.tck.Trial;
import dev.eventsync.tck.fixtures.BrokenSyncServers;
import dev.eventsync.tck.fixtures.ReferenceSyncServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history runner really exercises what P-HIST-01 claims, and the oracle accepts a correct server. */
class ProtocolHistoryTest {

    @Test
    void historiesAgainstTheReferenceServerCoverEveryKindOfStepAndPassTheOracle() throws Exception {
        ReferenceSyncServer server = new ReferenceSyncServer();
        List<History> histories = new ArrayList<>();
        for (long seed = 1; seed <= 40; seed++) {
            Gen gen = new Gen(seed);
            List<ProtocolHistory.Step> program = ProtocolHistory.generate(gen, 3, 30);
            Trial trial = new Trial(Rule.P_HIST_01, java.util.OptionalLong.of(seed));
            History h = ProtocolHistory.run(program, 3, server::client, StoreId.of("history-" + seed), trial, Duration.ofSeconds(10));
            trial.assertNoAsyncErrors();
            assertThat(HistoryChecker.check(h)).as("violations of seed %s", seed).isEmpty();
            histories.add(h);
        }
        List<History.PushRecord> pushes = histories.stream().flatMap(h -> h.pushes().stream()).toList();
        assertThat(pushes).anyMatch(p -> p.outcome() instanceof PushOutcome.Acked a && a.result() instanceof PushResult.Appended);
        assertThat(pushes).anyMatch(p -> p.outcome() instanceof PushOutcome.Refused r && r.error() instanceof SyncError.ServerAhead);
        assertThat(histories.stream().flatMap(h -> h.pulls().stream())).anyMatch(p -> p.pages().stream().anyMatch(pg -> !pg.isEmpty()));
        assertThat(histories.stream().flatMap(h -> h.lives().stream())).anyMatch(l -> l.closed().isPresent());
        assertThat(histories.stream().flatMap(h -> h.lives().stream()))
                .anyMatch(l -> l.closed().isEmpty() && l.pages().stream().anyMatch(pg -> !pg.isEmpty()));
        assertThat(histories).allMatch(h -> !h.finalLog().isEmpty());
    }

    @Test
    void theOracleCatchesAServerThatReportsAWrongHead() throws Exception {
        ReferenceSyncServer server = new BrokenSyncServers.ServerAheadWithWrongHead();
        boolean caught = false;
        for (long seed = 1; seed <= 10 && !caught; seed++) {
            List<ProtocolHistory.Step> program = ProtocolHistory.generate(new Gen(seed), 3, 30);
            Trial trial = new Trial(Rule.P_HIST_01, java.util.OptionalLong.of(seed));
            History h = ProtocolHistory.run(program, 3, server::client, StoreId.of("wrong-head-" + seed), trial, Duration.ofSeconds(10));
            caught = HistoryChecker.check(h).stream()
                    .anyMatch(v -> v.kind() == HistoryChecker.Kind.SERVER_AHEAD_NOT_A_HEAD_OF_ITS_MOMENT);
        }
        assertThat(caught).as("SERVER_AHEAD_NOT_A_HEAD_OF_ITS_MOMENT found within 10 seeds").isTrue();
    }
}
