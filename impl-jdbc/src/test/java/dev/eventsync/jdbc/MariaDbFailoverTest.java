package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.spi.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
        AtomicInteger killed = new AtomicInteger();
        PoolRecovery.assertRecoversFrom(store, () -> killed.addAndGet(killConnections()));
        assertThat(killed.get()).as("connections killed").isPositive();
    }
}
