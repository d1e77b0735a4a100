package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.core.LocalSyncBackend;
import dev.eventsync.core.SyncEngine;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Two nodes (two {@link SyncEngine}s, each over its own {@link JdbcEventStore}: own pool, own change feed)
 * over one database of every dialect: PostgreSQL (LISTEN/NOTIFY), MariaDB and SQLite (the polling feed).
 * An append through node A reaches live pulls on node B, and a reset through node A ends node B's live
 * pulls of the store with {@code BackendIdMismatch}, after which node B serves the new backendId.
 */
class TwoNodeChangeFeedTest {

    private TestDatabase database;
    private JdbcEventStore storeA;
    private JdbcEventStore storeB;
    private SyncEngine nodeA;
    private SyncEngine nodeB;

    private void start(String kind) {
        database = TestDatabase.of(kind);
        storeA = JdbcEventStore.open(database.settings());
        storeB = JdbcEventStore.open(database.settings());
        nodeA = SyncEngine.builder(storeA).build();
        nodeB = SyncEngine.builder(storeB).build();
    }

    @AfterEach
    void stop() {
        if (nodeA != null) {
            nodeA.close();
            nodeB.close();
            storeA.close();
            storeB.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"sqlite", "postgresql", "mariadb"})
    void appendsAndResetsOnNodeAReachLivePullsOnNodeB(String kind) throws Exception {
        start(kind);
        StoreId id = JdbcEventStoreTestBase.uniqueStore();
        LocalSyncBackend clientA = new LocalSyncBackend(nodeA, id);
        LocalSyncBackend clientB = new LocalSyncBackend(nodeB, id);
        PageCollector live = new PageCollector();
        clientB.pull(Optional.empty(), true).subscribe(live);
        live.await(events -> true, 10, "the first (empty) page on node B");

        clientA.push(JdbcEventStoreTestBase.batch(0, 3, "a"), Optional.empty()).toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        live.await(events -> events.size() >= 3, 10, "node A's push on node B's live pull");
        assertThat(live.seqNums()).containsExactly(1L, 2L, 3L);
        String oldBackendId = storeB.backendId(id);

        storeA.reset(id);
        String newBackendId = storeA.backendId(id);
        assertThat(newBackendId).isNotEqualTo(oldBackendId);
        Throwable ended = live.awaitError(10, "node B's live pull to end after the reset on node A");
        assertThat(SyncErrorException.errorOf(ended)).get().isInstanceOf(SyncError.BackendIdMismatch.class);

        PageCollector again = new PageCollector();
        clientB.pull(Optional.empty(), false).subscribe(again);
        again.await(events -> true, 10, "a pull of the reset store on node B");
        assertThat(again.events()).isEmpty();
        assertThat(again.backendIds()).containsOnly(newBackendId);
        clientA.close();
        clientB.close();
    }
}
