package dev.eventsync.jdbc;

import com.zaxxer.hikari.HikariConfig;
import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * PostgreSQL, the multi-node database: the append locks the store's head row with
 * {@code SELECT ... FOR UPDATE} and announces itself with {@code pg_notify} in the same transaction
 * (delivered at commit, never for a rolled-back append); {@link PostgresChangeFeed} turns those
 * notifications into live delivery on the other nodes. An append of up to 99 events takes three round trips: the lock, one statement that inserts
 * the rows, moves the head and notifies (data-modifying {@code WITH}), and the commit.
 */
public final class PostgresDialect implements JdbcDialect {

    /** The last INSERT of a batch for n rows, with the head move and the notification, at index n - 1. */
    private static final String[] LAST_INSERT_MOVE_AND_NOTIFY = new String[EventRows.MAX_ROWS_PER_STATEMENT];

    static {
        for (int rows = 1; rows <= LAST_INSERT_MOVE_AND_NOTIFY.length; rows++) {
            LAST_INSERT_MOVE_AND_NOTIFY[rows - 1] = "WITH inserted AS (" + EventRows.insertSql(rows) + "), moved AS ("
                    + EventRows.MOVE_HEAD_SQL + " RETURNING store_id) SELECT pg_notify("
                    + PostgresChangeFeed.CHANNEL_EXPRESSION + ", ?) FROM moved";
        }
    }

    @Override
    public String name() {
        return "postgresql";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    @Override
    public void configurePool(HikariConfig pool, JdbcSettings settings, String nodeId) {
        // Sends a JDBC batch of inserts as multi-row INSERT statements.
        pool.addDataSourceProperty("reWriteBatchedInserts", "true");
        pool.addDataSourceProperty("connectTimeout", String.valueOf(
                Math.max(1, settings.connectionTimeout().toSeconds())));
        pool.addDataSourceProperty("ApplicationName", "eventsync-" + nodeId);
    }

    @Override
    public String insertStoreIfAbsentSql() {
        return "INSERT INTO eventsync_store (store_id, backend_id, head, event_count) VALUES (?, ?, 0, 0)"
                + " ON CONFLICT (store_id) DO NOTHING";
    }

    @Override
    public String lockStoreSql() {
        return "SELECT head, event_count FROM eventsync_store WHERE store_id = ? FOR UPDATE";
    }

    /**
     * Every INSERT of the batch but the last as usual; the last one, the head move and the notification as ONE
     * statement ({@code WITH inserted AS (INSERT ...), moved AS (UPDATE ... RETURNING store_id) SELECT pg_notify(...)
     * FROM moved}): one round trip where three were, with the same effects in the same transaction.
     */
    @Override
    public void writeBatch(Connection connection, String nodeId, StoreId storeId, List<Event> batch, long eventCount,
            Instant createdAt) throws SQLException {
        int lastRows = (batch.size() - 1) % EventRows.MAX_ROWS_PER_STATEMENT + 1;
        int lastFrom = batch.size() - lastRows;
        EventRows.insert(connection, storeId, batch.subList(0, lastFrom), eventCount, createdAt);
        long head = batch.get(batch.size() - 1).seqNum();
        try (PreparedStatement write = connection.prepareStatement(LAST_INSERT_MOVE_AND_NOTIFY[lastRows - 1])) {
            int p = EventRows.bind(write, 1, storeId, batch.subList(lastFrom, batch.size()), eventCount + lastFrom,
                    createdAt);
            write.setLong(p, head);
            write.setLong(p + 1, eventCount + batch.size());
            write.setString(p + 2, storeId.value());
            write.setString(p + 3, PostgresChangeFeed.payload(nodeId, storeId, head));
            try (ResultSet moved = write.executeQuery()) {
                if (!moved.next()) {
                    throw new SQLException("the head row of store '" + storeId + "' was not moved");
                }
            }
        }
    }

    @Override
    public void announceAppend(Connection connection, String nodeId, StoreId storeId, long head)
            throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement(
                "SELECT pg_notify(" + PostgresChangeFeed.CHANNEL_EXPRESSION + ", ?)")) {
            notify.setString(1, PostgresChangeFeed.payload(nodeId, storeId, head));
            notify.execute();
        }
    }

    @Override
    public void announceReset(Connection connection, String nodeId, StoreId store) throws SQLException {
        try (PreparedStatement notify = connection.prepareStatement(
                "SELECT pg_notify(" + PostgresChangeFeed.CHANNEL_EXPRESSION + ", ?)")) {
            notify.setString(1, PostgresChangeFeed.resetPayload(nodeId, store));
            notify.execute();
        }
    }

    @Override
    public Optional<JdbcChangeFeed> changeFeed(JdbcSettings settings, String nodeId) {
        return settings.changeFeed() ? Optional.of(new PostgresChangeFeed(settings, nodeId)) : Optional.empty();
    }
}
