package dev.eventsync.jdbc;

import com.zaxxer.hikari.HikariConfig;

/**
 * MariaDB and MySQL (InnoDB): the append locks the store's head row with {@code SELECT ... FOR UPDATE}, so
 * concurrent appends to one store, from any number of server processes, are serialized by the database.
 */
public final class MariaDbDialect implements JdbcDialect {

    @Override
    public String name() {
        return "mariadb";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:");
    }

    @Override
    public void configurePool(HikariConfig pool, JdbcSettings settings, String nodeId) {
        // The MariaDB driver sends a JDBC batch as one bulk command (useBulkStmts, on by default);
        // multi-row rewriting is the fallback for servers without bulk support.
        pool.addDataSourceProperty("rewriteBatchedStatements", "true");
        pool.addDataSourceProperty("connectTimeout", String.valueOf(settings.connectionTimeout().toMillis()));
    }

    @Override
    public String insertStoreIfAbsentSql() {
        return "INSERT IGNORE INTO eventsync_store (store_id, backend_id, head, event_count) VALUES (?, ?, 0, 0)";
    }

    @Override
    public String lockStoreSql() {
        return "SELECT head, event_count FROM eventsync_store WHERE store_id = ? FOR UPDATE";
    }
}
