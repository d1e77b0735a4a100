package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.ChangeFeed;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL connections that die under a running store: the pool's ({@code pg_terminate_backend} on
 * exactly this store's connections, never the server) and the change feed's. Calls fail with
 * {@link StorageUnavailableException} or succeed, and the store recovers by itself.
 */
class PostgresFailoverTest {

    private TestDatabase database;
    private final List<JdbcEventStore> stores = new ArrayList<>();

    @BeforeEach
    void createDatabase() {
        database = TestDatabase.postgres();
    }

    @AfterEach
    void dropDatabase() {
        stores.forEach(JdbcEventStore::close);
        if (database != null) { // null when the database was unreachable and the test was skipped
            database.close();
        }
    }

    private JdbcEventStore open() {
        JdbcEventStore store = JdbcEventStore.open(database.settings());
        stores.add(store);
        return store;
    }

    private void terminate(String applicationName) {
        database.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                + applicationName + "'");
    }

    @Test
    void poolRecoversAfterItsConnectionsAreTerminated() throws Exception {
        JdbcEventStore store = open();
        PoolRecovery.assertRecoversFrom(store, () -> terminate("eventsync-" + store.nodeId()));
    }

    @Test
    void unreachableServerIsReportedAsUnavailable() {
        JdbcSettings nowhere = JdbcSettings.of("jdbc:postgresql://127.0.0.1:1/eventsync_test")
                .withCredentials("postgres", "")
                .withConnectionTimeout(Duration.ofSeconds(1));
        assertThatThrownBy(() -> JdbcEventStore.open(nowhere))
                .isInstanceOf(StorageUnavailableException.class)
                .hasMessageContaining("127.0.0.1:1");
    }

    @Test
    void changeFeedDeliversOtherNodesAppendsAndResyncsAfterReconnect() throws Exception {
        JdbcEventStore nodeA = open();
        JdbcEventStore nodeB = open();
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        ChangeFeed feed = nodeB.changeFeed().orElseThrow();
        try (AutoCloseable subscription = feed.subscribe(new ChangeFeed.Listener() {
            @Override
            public void appended(StoreId store, long head) {
                seen.add(store + "@" + head);
            }

            @Override
            public void resync() {
                seen.add("resync");
            }
        })) {
            assertThat(seen.poll(10, TimeUnit.SECONDS)).as("resync once listening").isEqualTo("resync");
            StoreId id = JdbcEventStoreTestBase.uniqueStore();
            nodeA.append(id, 0, JdbcEventStoreTestBase.batch(0, 2, "a"), Instant.now());
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(id + "@2");

            // B's own append is not echoed back to B; the next one from A is.
            nodeB.append(id, 2, JdbcEventStoreTestBase.batch(2, 1, "b"), Instant.now());
            nodeA.append(id, 3, JdbcEventStoreTestBase.batch(3, 1, "a"), Instant.now());
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(id + "@4");

            terminate("eventsync-feed-" + nodeB.nodeId());
            assertThat(seen.poll(20, TimeUnit.SECONDS)).as("resync after the feed reconnects").isEqualTo("resync");
            nodeA.append(id, 4, JdbcEventStoreTestBase.batch(4, 1, "a"), Instant.now());
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo(id + "@5");
        }
        assertThat(nodeA.changeFeed()).isPresent();
    }
}
