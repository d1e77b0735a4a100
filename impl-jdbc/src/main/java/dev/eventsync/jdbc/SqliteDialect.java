package dev.eventsync.jdbc;

import com.zaxxer.hikari.HikariConfig;

/**
 * SQLite: one database file in WAL mode, the embedded default. Readers never wait for the writer (WAL).
 * The append transaction's first statement is a write to the store's head row that returns it
 * ({@code UPDATE ... RETURNING}): it takes the file's write lock before anything is read, waiting up to
 * {@code busy_timeout} for another writer, so the head check and the inserts run with no other writer in
 * between, across connections and across processes sharing the file. (This is what {@code BEGIN
 * IMMEDIATE} would do; the driver's immediate transaction mode is not used because it begins the next
 * transaction eagerly right after each commit, where a busy file would fail a commit that succeeded.)
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
        pool.addDataSourceProperty("busy_timeout", String.valueOf(settings.connectionTimeout().toMillis()));
    }

    /** True: one writer per file and one fsync per commit, so concurrent appends share a commit. */
    @Override
    public boolean groupsCommits() {
        return true;
    }

    @Override
    public String insertStoreIfAbsentSql() {
        return "INSERT OR IGNORE INTO eventsync_store (store_id, backend_id, head, event_count) VALUES (?, ?, 0, 0)";
    }

    @Override
    public String lockStoreSql() {
        // A write first: the deferred transaction takes the write lock here, before its first read.
        return "UPDATE eventsync_store SET head = head WHERE store_id = ? RETURNING head, event_count";
    }
}
