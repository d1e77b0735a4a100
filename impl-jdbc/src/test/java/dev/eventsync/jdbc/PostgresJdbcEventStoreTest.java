package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** {@link JdbcEventStore} on PostgreSQL (a fresh schema per test): {@link JdbcEventStoreTestBase}, and its notifications. */
class PostgresJdbcEventStoreTest extends JdbcEventStoreTestBase {

    @Override
    protected TestDatabase createDatabase() {
        return TestDatabase.postgres();
    }

    /**
     * The rows, the head move and {@code pg_notify} share one statement ({@link PostgresDialect#writeBatch}): every
     * committed append, of one INSERT statement or of several, is announced exactly once with its new head, in
     * commit order; an append refused by the head check, or failing in the database, announces nothing.
     */
    @Test
    void everyCommittedAppendIsAnnouncedOnceWithItsHeadAndNoOtherIs() throws Exception {
        StoreId id = uniqueStore();
        JdbcSettings settings = database.settings();
        try (Connection listener = TestDatabase.connect(settings.url(), settings.username().orElse(""),
                settings.password().orElse("")); Statement statement = listener.createStatement()) {
            String channel;
            try (ResultSet rs = statement.executeQuery("SELECT " + PostgresChangeFeed.CHANNEL_EXPRESSION)) {
                rs.next();
                channel = rs.getString(1);
            }
            statement.execute("LISTEN \"" + channel + '"');

            int twoStatements = EventRows.MAX_ROWS_PER_STATEMENT + 51;
            assertThat(store.append(id, 0, batch(0, 1, "a"), Instant.now())).isEqualTo(new AppendResult.Appended(1));
            assertThat(store.append(id, 1, batch(1, twoStatements, "b"), Instant.now()))
                    .isEqualTo(new AppendResult.Appended(1 + twoStatements));
            assertThat(store.append(id, 1, batch(1, 2, "stale"), Instant.now()))
                    .isEqualTo(new AppendResult.HeadMismatch(1 + twoStatements));
            // seqNum 1 again under a matching head: the primary key refuses it inside the statement
            assertThatThrownBy(() -> store.append(id, 1 + twoStatements, batch(0, 1, "dup"), Instant.now()))
                    .isInstanceOf(StorageUnavailableException.class);
            long last = 1 + twoStatements + 3;
            assertThat(store.append(id, 1 + twoStatements, batch(1 + twoStatements, 3, "c"), Instant.now()))
                    .isEqualTo(new AppendResult.Appended(last));

            List<String> payloads = new ArrayList<>();
            String lastPayload = PostgresChangeFeed.payload(store.nodeId(), id, last);
            for (int polls = 0; polls < 100 && !payloads.contains(lastPayload); polls++) {
                PGNotification[] received = listener.unwrap(PGConnection.class).getNotifications(100);
                for (PGNotification notification : received == null ? new PGNotification[0] : received) {
                    payloads.add(notification.getParameter());
                }
            }
            assertThat(payloads).containsExactly(PostgresChangeFeed.payload(store.nodeId(), id, 1),
                    PostgresChangeFeed.payload(store.nodeId(), id, 1 + twoStatements), lastPayload);
        }
        assertThat(store.head(id)).isEqualTo(1 + EventRows.MAX_ROWS_PER_STATEMENT + 51 + 3);
    }
}
