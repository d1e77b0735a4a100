package dev.eventsync.jdbc;

import com.zaxxer.hikari.HikariConfig;

/**
 * SQLite: one database file in WAL mode, the embedded default. Readers never wait for the writer (WAL);
 * an append starts with {@code BEGIN IMMEDIATE} (the driver's {@code transaction_mode}), which takes the
 * file's write lock up front, so the head check and the inserts run with no other writer in between,
 * across connections and across processes sharing the file.
 */
public final class SqliteDialect implements JdbcDialect {

    @Override
    public String name() {
        return "sqlite";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:sqlite:");
    }

    @Override
    public void configurePool(HikariConfig pool, JdbcSettings settings, String nodeId) {
        pool.addDataSourceProperty("journal_mode", "WAL");
        // FULL: an acknowledged append survives a power cut too, not only a process crash.
        pool.addDataSourceProperty("synchronous", "FULL");
        pool.addDataSourceProperty("foreign_keys", "true");
        pool.addDataSourceProperty("transaction_mode", "IMMEDIATE");
        pool.addDataSourceProperty("busy_timeout", String.valueOf(settings.connectionTimeout().toMillis()));
    }

    @Override
    public String insertStoreIfAbsentSql() {
        return "INSERT OR IGNORE INTO eventsync_store (store_id, backend_id, head, event_count) VALUES (?, ?, 0, 0)";
    }

    @Override
    public String lockStoreSql() {
        // BEGIN IMMEDIATE already holds the database's write lock.
        return "SELECT head, event_count FROM eventsync_store WHERE store_id = ?";
    }
}
