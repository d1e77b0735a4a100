package dev.eventsync.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database behind a {@link JdbcEventStore}: its HikariCP pool, opened and migrated once, and how work runs on
 * it: a single call on a pooled connection, or a transaction retried when the database aborts it as a deadlock or
 * serialization failure. Every {@link SQLException} leaves as a {@link StorageUnavailableException} naming the
 * operation and the store (the engine answers clients with a neutral message).
 */
final class JdbcDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcDatabase.class);
    private static final int MAX_TRANSACTION_ATTEMPTS = 5;
    private static final String SELECT_STORAGE_KEY = "SELECT storage_key FROM eventsync_storage WHERE id = 1";

    private final HikariDataSource pool;
    private final String dialectName;
    private final AtomicBoolean closed = new AtomicBoolean();

    private JdbcDatabase(HikariDataSource pool, String dialectName) {
        this.pool = pool;
        this.dialectName = dialectName;
    }

    /** One unit of work on a connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Opens the pool and applies pending schema migrations (Flyway).
     *
     * @throws StorageUnavailableException when the database cannot be reached or migrated
     */
    static JdbcDatabase open(JdbcSettings settings, JdbcDialect dialect, String nodeId) {
        HikariDataSource pool = openPool(settings, dialect, nodeId);
        try {
            migrate(pool, dialect);
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return new JdbcDatabase(pool, dialect.name());
    }

    private static HikariDataSource openPool(JdbcSettings settings, JdbcDialect dialect, String nodeId) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("eventsync-" + dialect.name() + "-" + nodeId);
        config.setJdbcUrl(settings.url());
        settings.username().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.maximumPoolSize());
        config.setMinimumIdle(Math.min(2, settings.maximumPoolSize()));
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setValidationTimeout(settings.validationTimeout().toMillis());
        config.setIdleTimeout(settings.idleTimeout().toMillis());
        config.setMaxLifetime(settings.maxLifetime().toMillis());
        config.setAutoCommit(true);
        dialect.configurePool(config, settings, nodeId);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StorageUnavailableException("cannot open a connection to " + settings.redactedUrl() + ": "
                    + rootMessage(e), e);
        }
    }

    private static void migrate(HikariDataSource pool, JdbcDialect dialect) {
        try {
            var result = Flyway.configure(JdbcEventStore.class.getClassLoader())
                    .dataSource(pool)
                    .locations(dialect.migrationLocation())
                    .table("eventsync_schema_history")
                    .failOnMissingLocations(true)
                    .load()
                    .migrate();
            if (result.migrationsExecuted > 0) {
                LOG.info("Applied {} schema migration(s), schema now at version {}", result.migrationsExecuted,
                        result.targetSchemaVersion);
            }
        } catch (FlywayException e) {
            throw new StorageUnavailableException("cannot migrate the eventsync schema: " + rootMessage(e), e);
        }
    }

    /** This database's random key ({@code eventsync_storage}, made by schema migration 2). */
    String readStorageKey() {
        return call("readStorageKey", null, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_STORAGE_KEY);
                 ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    throw new StorageUnavailableException("the eventsync_storage row is missing; it is made by schema "
                            + "migration 2 and must not be deleted");
                }
                return rs.getString(1);
            }
        });
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    <T> T call(String operation, StoreId storeId, Work<T> work) {
        ensureOpen();
        try (Connection connection = pool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw unavailable(operation, storeId, e);
        }
    }

    /**
     * Runs {@code work} in one transaction, after {@code before} (when not null) in its own statements on the same
     * connection outside the transaction. A transaction that the database aborts as a deadlock or serialization
     * failure (SQLState class 40) rolled back entirely and is retried a few times before the storage reports
     * itself unavailable. A connection whose transaction state is in doubt never goes back to the pool.
     */
    <T> T transaction(String operation, StoreId storeId, Work<?> before, Work<T> work) {
        ensureOpen();
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = pool.getConnection()) {
                if (before != null) {
                    before.run(connection);
                }
                try {
                    connection.setAutoCommit(false);
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(connection, e);
                    pool.evictConnection(connection);
                    throw e;
                } finally {
                    restoreAutoCommit(connection);
                }
            } catch (SQLException e) {
                if (attempt < MAX_TRANSACTION_ATTEMPTS && isTransientConflict(e)) {
                    LOG.debug("{} on store {}: transaction aborted by the database ({}), retrying", operation, storeId,
                            e.getMessage());
                    continue;
                }
                throw unavailable(operation, storeId, e);
            }
        }
    }

    /** Throws {@link StorageUnavailableException} unless a pooled connection answers within the validation timeout. */
    void checkHealth() {
        call("checkHealth", null, connection -> {
            if (!connection.isValid((int) Math.max(1, pool.getValidationTimeout() / 1000))) {
                throw new SQLException("connection is not valid", "08000");
            }
            return null;
        });
    }

    /** Closes the pool; true the first time. */
    boolean closeOnce() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        pool.close();
        return true;
    }

    @Override
    public void close() {
        closeOnce();
    }

    private static boolean isTransientConflict(SQLException e) {
        String state = e.getSQLState();
        return state != null && state.startsWith("40");
    }

    private static void rollbackQuietly(Connection connection, Exception cause) {
        try {
            connection.rollback();
        } catch (SQLException rollbackFailure) {
            // The connection is likely broken; the pool evicts it. The original failure is what matters.
            cause.addSuppressed(rollbackFailure);
        }
    }

    private static void restoreAutoCommit(Connection connection) {
        try {
            if (!connection.isClosed()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            // A broken connection: the pool resets or evicts it on return.
            LOG.debug("Could not restore auto-commit on a pooled connection: {}", e.getMessage());
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new StorageUnavailableException("the JDBC event store is closed");
        }
    }

    StorageUnavailableException unavailable(String operation, StoreId storeId, SQLException e) {
        String where = storeId == null ? "" : " on store " + storeId;
        return new StorageUnavailableException("database unavailable (" + dialectName + "): " + operation + where
                + " failed (SQLState " + e.getSQLState() + "): " + e.getMessage(), e);
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
    }
}
