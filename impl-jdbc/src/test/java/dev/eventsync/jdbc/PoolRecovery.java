package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The scenario both failover tests run against their database's way of killing a store's connections: three
 * rounds of killing the pool's connections, each followed by calls that must either succeed with the right
 * answer or fail with {@link StorageUnavailableException}, then recovery without intervention within 20 s.
 */
final class PoolRecovery {

    /** Kills the connections of the store under test. */
    @FunctionalInterface
    interface ConnectionKiller {
        void kill() throws Exception;
    }

    private PoolRecovery() {
    }

    static void assertRecoversFrom(JdbcEventStore store, ConnectionKiller killer) throws Exception {
        StoreId id = JdbcEventStoreTestBase.uniqueStore();
        store.append(id, 0, JdbcEventStoreTestBase.batch(0, 3, "a"), Instant.now());

        List<String> outcomes = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            killer.kill();
            // Each call right after the kill either fails with the typed error or already succeeds on a
            // fresh connection; never anything else, and never a wrong answer.
            for (int call = 0; call < 3; call++) {
                try {
                    assertThat(store.head(id)).isEqualTo(3);
                    outcomes.add("ok");
                } catch (StorageUnavailableException e) {
                    assertThat(e).hasMessageContaining("database unavailable");
                    outcomes.add("unavailable");
                }
            }
        }
        // Whatever those calls saw, the store serves again without any intervention.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                assertThat(store.append(id, 3, JdbcEventStoreTestBase.batch(3, 2, "b"), Instant.now()))
                        .isEqualTo(new AppendResult.Appended(5));
                outcomes.add("ok");
                break;
            } catch (StorageUnavailableException e) {
                outcomes.add("unavailable");
                if (System.nanoTime() > deadline) {
                    fail("the store did not recover within 20 s; outcomes " + outcomes, e);
                }
                Thread.sleep(100);
            }
        }
        assertThat(store.read(id, 0, 10)).hasSize(5);
        // The pool's connections were used moments before each kill, so at least the first call after
        // the first kill meets a dead connection (the pool only re-validates connections idle > 500 ms).
        assertThat(outcomes).as("outcomes").contains("unavailable").endsWith("ok");
    }
}
