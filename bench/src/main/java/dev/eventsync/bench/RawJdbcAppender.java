package dev.eventsync.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eventsync.api.Event;
import dev.eventsync.jdbc.JdbcDialect;
import dev.eventsync.jdbc.JdbcSettings;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * The baseline: the conditional append written by hand with plain JDBC on the same tables, the same pool
 * configuration and the same driver properties as {@code JdbcEventStore}, inserting the same rows the same
 * way (lock the head row, compare, one JDBC batch of inserts, move the head, commit) and nothing else: no
 * change notification, no error mapping, no retries.
 */
final class RawJdbcAppender implements AutoCloseable {

    private static final String INSERT_EVENT = "INSERT INTO eventsync_event (store_id, seq_num, parent_seq_num,"
            + " ord, name, args, client_id, session_id, created_at_second, created_at_nano)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String UPDATE_HEAD = "UPDATE eventsync_store SET head = ?, event_count = ? WHERE store_id = ?";

    private final HikariDataSource pool;
    private final boolean ownsPool;
    private final JdbcDialect dialect;
    private final String storeId;

    /** A writer of {@code storeId} with a pool of its own (closed with it). */
    RawJdbcAppender(JdbcSettings settings, JdbcDialect dialect, String storeId) throws SQLException {
        this(pool(settings, dialect), true, dialect, storeId);
    }

    /** A writer of {@code storeId} on a shared {@code pool} (not closed with it), as several writers of one server. */
    RawJdbcAppender(HikariDataSource pool, JdbcDialect dialect, String storeId) throws SQLException {
        this(pool, false, dialect, storeId);
    }

    private RawJdbcAppender(HikariDataSource pool, boolean ownsPool, JdbcDialect dialect, String storeId)
            throws SQLException {
        this.pool = pool;
        this.ownsPool = ownsPool;
        this.dialect = dialect;
        this.storeId = storeId;
        try (Connection connection = pool.getConnection();
             PreparedStatement insert = connection.prepareStatement(dialect.insertStoreIfAbsentSql())) {
            insert.setString(1, storeId);
            insert.setString(2, "raw-baseline");
            insert.executeUpdate();
        } catch (SQLException | RuntimeException e) {
            if (ownsPool) {
                pool.close();
            }
            throw e;
        }
    }

    /** A pool configured as {@code JdbcEventStore} configures its own: same size, timeouts and driver properties. */
    static HikariDataSource pool(JdbcSettings settings, JdbcDialect dialect) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("bench-raw-" + dialect.name());
        config.setJdbcUrl(settings.url());
        settings.username().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(settings.maximumPoolSize());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setValidationTimeout(settings.validationTimeout().toMillis());
        dialect.configurePool(config, settings, "bench-raw");
        return new HikariDataSource(config);
    }

    /** The store this writer appends to. */
    String storeId() {
        return storeId;
    }

    /** Appends {@code batch} if the head is {@code expectedHead}; returns the new head, or -1 on mismatch. */
    long append(long expectedHead, List<Event> batch, Instant createdAt) throws SQLException {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                long head;
                long count;
                try (PreparedStatement lock = connection.prepareStatement(dialect.lockStoreSql())) {
                    lock.setString(1, storeId);
                    try (ResultSet rs = lock.executeQuery()) {
                        rs.next();
                        head = rs.getLong(1);
                        count = rs.getLong(2);
                    }
                }
                if (head != expectedHead) {
                    connection.rollback();
                    return -1;
                }
                try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
                    long ord = count;
                    for (Event event : batch) {
                        insert.setString(1, storeId);
                        insert.setLong(2, event.seqNum());
                        insert.setLong(3, event.parentSeqNum());
                        insert.setLong(4, ++ord);
                        insert.setString(5, event.name());
                        if (event.args().isPresent()) {
                            insert.setString(6, event.args().get());
                        } else {
                            insert.setNull(6, Types.VARCHAR);
                        }
                        insert.setString(7, event.clientId());
                        insert.setString(8, event.sessionId());
                        insert.setLong(9, createdAt.getEpochSecond());
                        insert.setInt(10, createdAt.getNano());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                }
                long newHead = batch.get(batch.size() - 1).seqNum();
                try (PreparedStatement update = connection.prepareStatement(UPDATE_HEAD)) {
                    update.setLong(1, newHead);
                    update.setLong(2, count + batch.size());
                    update.setString(3, storeId);
                    update.executeUpdate();
                }
                connection.commit();
                return newHead;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    @Override
    public void close() {
        if (ownsPool) {
            pool.close();
        }
    }
}
