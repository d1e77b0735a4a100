package dev.eventsync.jdbc;

import com.zaxxer.hikari.HikariConfig;
import dev.eventsync.api.StoreId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Optional;

/**
 * PostgreSQL, the multi-node database: the append locks the store's head row with
 * {@code SELECT ... FOR UPDATE} and announces itself with {@code pg_notify} in the same transaction
 * (delivered at commit, never for a rolled-back append); {@link PostgresChangeFeed} turns those
 * notifications into live delivery on the other nodes.
 */
public final class PostgresDialect implements JdbcDialect {

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
