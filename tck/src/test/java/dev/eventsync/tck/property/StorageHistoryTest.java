package dev.eventsync.tck.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.tck.fixtures.BrokenEventStores;
import dev.eventsync.tck.fixtures.ReferenceEventStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The storage model agrees with the reference store and disagrees with broken ones, minimally after shrinking. */
class StorageHistoryTest {

    @Test
    void referenceStoreAgreesWithTheModel() {
        ReferenceEventStore store = new ReferenceEventStore();
        for (long seed = 0; seed < 100; seed++) {
            List<StorageHistory.Op> ops = StorageHistory.generate(new Gen(seed), 3, 60);
            assertThat(StorageHistory.run(store, "ok-" + seed, ops)).as("seed %s", seed).isEmpty();
        }
    }

    @Test
    void staleAcceptingStoreIsCaughtAndShrunkToTwoAppends() {
        BrokenEventStores.AcceptsStaleAppends store = new BrokenEventStores.AcceptsStaleAppends();
        List<StorageHistory.Op> failing = null;
        for (long seed = 0; seed < 50 && failing == null; seed++) {
            List<StorageHistory.Op> ops = StorageHistory.generate(new Gen(seed), 3, 60);
            if (StorageHistory.run(store, "stale-" + seed, ops).isPresent()) {
                failing = ops;
            }
        }
        assertThat(failing).as("a failing history within 50 seeds").isNotNull();
        int[] run = {0};
        Shrinker.Result<StorageHistory.Op> shrunk = Shrinker.shrink(failing,
                ops -> StorageHistory.run(store, "shrink-" + run[0]++, ops).isPresent(), 500);
        // the smallest history showing the bug: one append to create a head, one stale append
        assertThat(shrunk.minimal()).hasSize(2);
        assertThat(shrunk.minimal().get(1)).isInstanceOf(StorageHistory.Append.class)
                .extracting(op -> ((StorageHistory.Append) op).mode()).isEqualTo(StorageHistory.AppendMode.STALE);
        Optional<StorageHistory.Mismatch> mismatch = StorageHistory.run(store, "minimal", shrunk.minimal());
        assertThat(mismatch).isPresent();
        assertThat(mismatch.get().steps()).hasSize(2);
    }
}
