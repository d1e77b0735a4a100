package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * MariaDB connections killed under a running store ({@code KILL} of every connection to this test's own
 * database, never the server): calls fail with {@link StorageUnavailableException} or succeed, and the
 * store recovers by itself.
 */
class MariaDbFailoverTest {

    private TestDatabase.MariaDb database;
    private JdbcEventStore store;

    @BeforeEach
    void open() {
        database = (TestDatabase.MariaDb) TestDatabase.mariadb();
        store = JdbcEventStore.open(database.settings());
    }

    @AfterEach
    void close() {
        if (database != null) { // null when the database was unreachable and the test was skipped
            store.close();
            database.close();
        }
    }

    private int killConnections() throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection admin = TestDatabase.connect(TestDatabase.MARIADB_URL, TestDatabase.MARIADB_USER,
                TestDatabase.MARIADB_PASSWORD);
             Statement statement = admin.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT id FROM information_schema.processlist WHERE db = '"
                    + database.database() + "'")) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
            for (long id : ids) {
                statement.execute("KILL CONNECTION " + id);
            }
        }
        return ids.size();
    }

    @Test
    void poolRecoversAfterItsConnectionsAreKilled() throws Exception {
        StoreId id = JdbcEventStoreTestBase.uniqueStore();
        store.append(id, 0, JdbcEventStoreTestBase.batch(0, 3, "a"), Instant.now());

        List<String> outcomes = new ArrayList<>();
        int killed = 0;
        for (int round = 0; round < 3; round++) {
            killed += killConnections();
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
        assertThat(killed).as("connections killed").isPositive();
        assertThat(store.read(id, 0, 10)).hasSize(5);
        assertThat(outcomes).as("outcomes").contains("unavailable").endsWith("ok");
    }
}
