package dev.eventsync.jdbc;

import com.zaxxer.hikari.HikariConfig;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.Event;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything that differs between the databases {@link JdbcEventStore} runs on, and nothing else: one
 * small implementation per database ({@link SqliteDialect}, {@link PostgresDialect},
 * {@link MariaDbDialect}). The SQL that all of them share lives in {@link JdbcEventStore}.
 *
 * <p>To support another database, implement this interface, add its migrations under
 * {@code db/migration/<name>} and pass it to {@link JdbcEventStore#open(JdbcSettings, JdbcDialect)}
 * (or register it in {@link JdbcDialects}).
 */
public interface JdbcDialect {

    /** Short name, also the folder of the migrations: {@code sqlite}, {@code postgresql}, {@code mariadb}. */
    String name();

    /** Whether this dialect serves {@code jdbcUrl}. */
    boolean accepts(String jdbcUrl);

    /** The Flyway location of this database's migrations. */
    default String migrationLocation() {
        return "classpath:db/migration/" + name();
    }

    /**
     * Sets the driver properties this database needs (batching, journal mode, timeouts...);
     * {@code nodeId} names this store instance, for databases that show a client name per connection.
     */
    void configurePool(HikariConfig pool, JdbcSettings settings, String nodeId);

    /**
     * Creates a store's head row unless it exists, without failing when another process creates it at
     * the same time. Parameters: {@code store_id}, {@code backend_id}.
     */
    String insertStoreIfAbsentSql();

    /**
     * Reads a store's {@code head} and {@code event_count} inside the append transaction and keeps other
     * writers of that store out until the transaction ends. Parameter: {@code store_id}.
     */
    String lockStoreSql();

    /**
     * Whether concurrent appends share one transaction and one commit ({@link GroupCommit}), each in its own
     * savepoint. Worth it where commits are the bottleneck and writers serialize anyway (SQLite: one fsync per
     * commit, one writer per file); off by default, where row locks let appends to different stores commit in
     * parallel and a group would hold several stores' locks at once.
     */
    default boolean groupsCommits() {
        return false;
    }

    /**
     * Writes an accepted batch inside the append transaction, under the row lock taken by {@link #lockStoreSql()}
     * and after the head check: inserts its rows (the first with {@code ord = eventCount + 1}), moves the store's
     * head row to the batch's last seqNum and {@code eventCount + batch.size()}, and announces the append
     * ({@link #announceAppend}). By default multi-row INSERTs, an UPDATE of the head row, then the announcement,
     * each its own statement; a dialect may send them in fewer round trips (PostgreSQL does).
     *
     * @param batch the events, not empty, in seqNum order
     * @throws SQLException when the database fails, or when the store's head row was not moved
     */
    default void writeBatch(Connection connection, String nodeId, StoreId storeId, List<Event> batch, long eventCount,
            Instant createdAt) throws SQLException {
        EventRows.insert(connection, storeId, batch, eventCount, createdAt);
        long head = batch.get(batch.size() - 1).seqNum();
        EventRows.moveHead(connection, storeId, head, eventCount + batch.size());
        announceAppend(connection, nodeId, storeId, head);
    }

    /**
     * Called inside the append transaction, just before it commits, so that other nodes can learn of the
     * append (PostgreSQL sends a notification). {@code nodeId} identifies this store instance, so that its
     * own feed can ignore its own appends.
     */
    default void announceAppend(Connection connection, String nodeId, StoreId storeId, long head)
            throws SQLException {
    }

    /**
     * Called inside the reset transaction, just before it commits, so that other nodes learn of the reset
     * (PostgreSQL sends a notification; polling feeds see the new backendId by themselves).
     */
    default void announceReset(Connection connection, String nodeId, StoreId store) throws SQLException {
    }

    /**
     * The feed of other nodes' appends and resets, when {@link JdbcSettings#changeFeed()} asks for one. By
     * default a {@link PollingChangeFeed} that reads the store table every
     * {@link JdbcSettings#changeFeedInterval()}; PostgreSQL uses LISTEN/NOTIFY instead.
     */
    default Optional<JdbcChangeFeed> changeFeed(JdbcSettings settings, String nodeId) {
        return settings.changeFeed() ? Optional.of(new PollingChangeFeed(settings, name())) : Optional.empty();
    }
}
