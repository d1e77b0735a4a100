package dev.eventsync.jdbc;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.BackendIds;
import dev.eventsync.spi.storage.ChangeFeed;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageUnavailableException;
import dev.eventsync.spi.storage.StoreInfo;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link EventStore} on a relational database: SQLite (one file, the embedded default), PostgreSQL
 * (many server nodes over one database) or MariaDB/MySQL, reached through a HikariCP pool.
 *
 * <h2>Schema</h2>
 * {@code eventsync_store} holds one head row per store (backendId, head, event count);
 * {@code eventsync_event} holds the events keyed by (store, seqNum), with {@code args} as plain text
 * (byte for byte what the client sent, never re-encoded), the accept time as epoch second + nanosecond
 * (exact for any {@link Instant}) and {@code ord}, the event's 1-based position in its store, which makes
 * {@link #countAfter} one index probe instead of a scan. Flyway applies the versioned migrations of the
 * dialect on start; they are idempotent and guarded by Flyway's lock, so nodes may start together.
 *
 * <h2>Conditional append</h2>
 * One transaction: lock the store's head row ({@code SELECT ... FOR UPDATE}; on SQLite a no-op
 * {@code UPDATE ... RETURNING} that takes the file's write lock first), compare its head with the expected one inside the database, insert the
 * batch in multi-row INSERTs, move the head and announce the append ({@link JdbcDialect#writeBatch}; on
 * PostgreSQL the last INSERT, the head move and the notification are one statement), commit. On SQLite the appends that
 * arrive while a commit is in progress share the next transaction, each in its own savepoint with its own head
 * check, and one commit (one fsync): see {@link GroupCommit}. Another node's
 * append to the same store waits for the lock and then sees the new head, so there is no
 * read-then-write race across processes. A failed transaction rolls back entirely.
 *
 * <h2>Failures</h2>
 * Any database failure (unreachable server, pool timeout, broken connection, locked file) surfaces as
 * {@link StorageUnavailableException}; the pool discards broken connections and opens new ones, so the
 * store recovers by itself once the database answers again.
 */
public final class JdbcEventStore implements EventStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcEventStore.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final String SELECT_HEAD = "SELECT head FROM eventsync_store WHERE store_id = ?";
    private static final String SELECT_BACKEND_ID = "SELECT backend_id FROM eventsync_store WHERE store_id = ?";
    private static final String SELECT_EVENTS = "SELECT seq_num, parent_seq_num, name, args, client_id, session_id,"
            + " created_at_second, created_at_nano FROM eventsync_event WHERE store_id = ? AND seq_num > ?"
            + " ORDER BY seq_num LIMIT ?";
    // One statement, hence one snapshot: the store's event count minus the position of the last event at
    // or before 'after' (found by a backward probe of the primary key).
    private static final String COUNT_AFTER = "SELECT s.event_count - COALESCE((SELECT e.ord FROM eventsync_event e"
            + " WHERE e.store_id = s.store_id AND e.seq_num <= ? ORDER BY e.seq_num DESC LIMIT 1), 0)"
            + " FROM eventsync_store s WHERE s.store_id = ?";
    private static final String SELECT_STORES = "SELECT store_id, backend_id, head, event_count FROM eventsync_store";
    private static final String DELETE_EVENTS = "DELETE FROM eventsync_event WHERE store_id = ?";
    private static final String DELETE_STORE = "DELETE FROM eventsync_store WHERE store_id = ?";
    private static final String SELECT_DELETIONS = "SELECT deletions FROM eventsync_deleted_store WHERE store_id = ?";
    private static final String COUNT_DELETION = "UPDATE eventsync_deleted_store SET deletions = deletions + 1"
            + " WHERE store_id = ?";
    private static final String FIRST_DELETION = "INSERT INTO eventsync_deleted_store (store_id, deletions)"
            + " VALUES (?, 1)";
    private static final String RESET_STORE = "UPDATE eventsync_store SET backend_id = ?, head = 0, event_count = 0"
            + " WHERE store_id = ?";

    private final JdbcDialect dialect;
    private final JdbcDatabase database;
    private final String nodeId;
    /** This database's random key ({@code eventsync_storage}), from which new stores' backendIds derive. */
    private final String storageKey;
    private final Optional<JdbcChangeFeed> changeFeed;
    /** Group commit of appends when the dialect asks for it (SQLite), else null. */
    private final GroupCommit groupCommit;
    /**
     * Stores whose head row is known to exist on this node (reset keeps the row; a delete by another node is
     * noticed by the append's lock, which recreates the row).
     */
    private final Set<StoreId> knownStores = ConcurrentHashMap.newKeySet();
    /** The most store ids {@link #knownStores} holds: clients choose store ids, so the set must not grow with them. */
    static final int MAX_KNOWN_STORES = 10_000;

    /**
     * Opens the pool, applies pending migrations and, for PostgreSQL, prepares the change feed.
     *
     * @throws StorageUnavailableException when the database cannot be reached or migrated
     */
    @Inject
    public JdbcEventStore(JdbcSettings settings) {
        this(settings, JdbcDialects.forUrl(settings.url()));
    }

    private JdbcEventStore(JdbcSettings settings, JdbcDialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.nodeId = newRandomId(9);
        this.database = JdbcDatabase.open(settings, dialect, nodeId);
        try {
            this.storageKey = database.readStorageKey();
        } catch (RuntimeException e) {
            database.close();
            throw e;
        }
        this.changeFeed = dialect.changeFeed(settings, nodeId);
        this.groupCommit = !dialect.groupsCommits() ? null : new GroupCommit(database, this::appendInTransaction,
                (stores, work) -> database.transaction("append", stores.size() == 1 ? stores.iterator().next() : null,
                        createRows(stores), work));
        LOG.info("JDBC event store ready: dialect={}, url={}, pool={}, node={}", dialect.name(),
                settings.redactedUrl(), settings.maximumPoolSize(), nodeId);
    }

    /** Opens a store for {@code settings}, choosing the dialect from the URL. */
    public static JdbcEventStore open(JdbcSettings settings) {
        return new JdbcEventStore(settings);
    }

    /** Opens a store with an explicit dialect (for a database this module does not know). */
    public static JdbcEventStore open(JdbcSettings settings, JdbcDialect dialect) {
        return new JdbcEventStore(settings, dialect);
    }

    /** This instance's random id: tags its connections and its change notifications. */
    String nodeId() {
        return nodeId;
    }

    /** The dialect in use. */
    public JdbcDialect dialect() {
        return dialect;
    }

    @Override
    public long head(StoreId storeId) {
        Objects.requireNonNull(storeId, "store");
        return database.call("head", storeId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_HEAD)) {
                select.setString(1, storeId.value());
                try (ResultSet rs = select.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public String backendId(StoreId storeId) {
        Objects.requireNonNull(storeId, "store");
        // a read: a store without a row is not created, it answers the backendId its creation will give it
        return database.call("backendId", storeId, connection -> {
            Optional<String> existing = selectBackendId(connection, storeId);
            return existing.isPresent() ? existing.get() : newStoreBackendId(connection, storeId);
        });
    }

    private static Optional<String> selectBackendId(Connection connection, StoreId storeId) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(SELECT_BACKEND_ID)) {
            select.setString(1, storeId.value());
            try (ResultSet rs = select.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The backendId of a store without a row: derived from the storage key and its earlier deletions. */
    private String newStoreBackendId(Connection connection, StoreId storeId) throws SQLException {
        long deletions = 0;
        try (PreparedStatement select = connection.prepareStatement(SELECT_DELETIONS)) {
            select.setString(1, storeId.value());
            try (ResultSet rs = select.executeQuery()) {
                if (rs.next()) {
                    deletions = rs.getLong(1);
                }
            }
        }
        return BackendIds.forNewStore(storageKey, storeId, deletions);
    }

    private void insertStoreIfAbsent(Connection connection, StoreId storeId) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(dialect.insertStoreIfAbsentSql())) {
            insert.setString(1, storeId.value());
            insert.setString(2, newStoreBackendId(connection, storeId));
            insert.executeUpdate();
        }
    }

    @Override
    public AppendResult append(StoreId storeId, long expectedHead, List<Event> batch, Instant createdAt) {
        Objects.requireNonNull(storeId, "store");
        Objects.requireNonNull(batch, "batch");
        Objects.requireNonNull(createdAt, "createdAt");
        if (groupCommit != null) {
            return groupCommit.append(storeId, expectedHead, batch, createdAt);
        }
        return transaction("append", storeId, true,
                connection -> appendInTransaction(connection, storeId, expectedHead, batch, createdAt));
    }

    /** The group commit in use (SQLite), or null; package-private for tests. */
    GroupCommit groupCommit() {
        return groupCommit;
    }

    /** One conditional append inside an open transaction (alone, or in a savepoint of a group). */
    private AppendResult appendInTransaction(Connection connection, StoreId storeId, long expectedHead,
            List<Event> batch, Instant createdAt) throws SQLException {
        LockedHead locked = lockStore(connection, storeId);
        long head = locked.head();
        long count = locked.eventCount();
        if (head != expectedHead) {
            return new AppendResult.HeadMismatch(head);
        }
        if (batch.isEmpty()) {
            return new AppendResult.Appended(head);
        }
        dialect.writeBatch(connection, nodeId, storeId, batch, count, createdAt);
        long newHead = batch.get(batch.size() - 1).seqNum();
        return new AppendResult.Appended(newHead);
    }

    /** A store's head row as read under its lock. */
    private record LockedHead(long head, long eventCount) {
    }

    /** Locks the store's head row (creating it first if needed) and returns its head and event count. */
    private LockedHead lockStore(Connection connection, StoreId storeId) throws SQLException {
        Optional<LockedHead> row = selectLocked(connection, storeId);
        if (row.isPresent()) {
            return row.get();
        }
        // Only when the row was removed behind this store's back (rows are never deleted by Eventsync).
        knownStores.remove(storeId);
        insertStoreIfAbsent(connection, storeId);
        return selectLocked(connection, storeId).orElseThrow(
                () -> new SQLException("store row of '" + storeId + "' vanished right after its creation"));
    }

    private Optional<LockedHead> selectLocked(Connection connection, StoreId storeId) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement(dialect.lockStoreSql())) {
            lock.setString(1, storeId.value());
            try (ResultSet rs = lock.executeQuery()) {
                return rs.next() ? Optional.of(new LockedHead(rs.getLong(1), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    @Override
    public List<StoredEvent> read(StoreId storeId, long after, int limit) {
        Objects.requireNonNull(storeId, "store");
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive, got " + limit);
        }
        return database.call("read", storeId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(SELECT_EVENTS)) {
                select.setString(1, storeId.value());
                select.setLong(2, after);
                select.setInt(3, limit);
                select.setFetchSize(Math.min(limit, 1000));
                List<StoredEvent> events = new ArrayList<>(Math.min(limit, 1000));
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        Event event = new Event(rs.getString(3), Optional.ofNullable(rs.getString(4)), rs.getLong(1),
                                rs.getLong(2), rs.getString(5), rs.getString(6));
                        events.add(new StoredEvent(event, Instant.ofEpochSecond(rs.getLong(7), rs.getInt(8))));
                    }
                }
                return List.copyOf(events);
            }
        });
    }

    @Override
    public long countAfter(StoreId storeId, long after) {
        Objects.requireNonNull(storeId, "store");
        return database.call("countAfter", storeId, connection -> {
            try (PreparedStatement count = connection.prepareStatement(COUNT_AFTER)) {
                count.setLong(1, after);
                count.setString(2, storeId.value());
                try (ResultSet rs = count.executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            }
        });
    }

    @Override
    public List<StoreInfo> stores() {
        return database.call("stores", null, connection -> {
            List<StoreInfo> infos = new ArrayList<>();
            try (PreparedStatement select = connection.prepareStatement(SELECT_STORES);
                 ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    infos.add(new StoreInfo(StoreId.of(rs.getString(1)), rs.getString(2), rs.getLong(3),
                            rs.getLong(4)));
                }
            }
            // Database collations differ; the contract's order is StoreId's.
            infos.sort(Comparator.comparing(StoreInfo::storeId));
            return List.copyOf(infos);
        });
    }

    @Override
    public void reset(StoreId storeId) {
        Objects.requireNonNull(storeId, "store");
        String backendId = BackendIds.random();
        transaction("reset", storeId, true, connection -> {
            lockStore(connection, storeId);
            try (PreparedStatement delete = connection.prepareStatement(DELETE_EVENTS)) {
                delete.setString(1, storeId.value());
                delete.executeUpdate();
            }
            try (PreparedStatement update = connection.prepareStatement(RESET_STORE)) {
                update.setString(1, backendId);
                update.setString(2, storeId.value());
                update.executeUpdate();
            }
            dialect.announceReset(connection, nodeId, storeId);
            return null;
        });
        LOG.info("Store {} reset, new backendId {}", storeId, backendId);
    }

    /**
     * Deletes the store's events and its head row in one transaction, under the row lock that appends take, so
     * that an append runs entirely before it or entirely after it (then in a new store).
     */
    @Override
    public boolean delete(StoreId storeId) {
        Objects.requireNonNull(storeId, "storeId");
        boolean existed = transaction("delete", storeId, false, connection -> {
            if (selectLocked(connection, storeId).isEmpty()) {
                return false;
            }
            try (PreparedStatement events = connection.prepareStatement(DELETE_EVENTS);
                 PreparedStatement row = connection.prepareStatement(DELETE_STORE)) {
                events.setString(1, storeId.value());
                events.executeUpdate();
                row.setString(1, storeId.value());
                row.executeUpdate();
            }
            countDeletion(connection, storeId);
            dialect.announceReset(connection, nodeId, storeId);
            return true;
        });
        knownStores.remove(storeId);
        if (existed) {
            LOG.info("Store {} deleted", storeId);
        }
        return existed;
    }

    /**
     * Counts a deletion of {@code storeId}, inside the delete's transaction (which holds the store's row
     * lock, so two deletions of one store do not race here): the store's next life derives another backendId.
     */
    private static void countDeletion(Connection connection, StoreId storeId) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(COUNT_DELETION)) {
            update.setString(1, storeId.value());
            if (update.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(FIRST_DELETION)) {
            insert.setString(1, storeId.value());
            insert.executeUpdate();
        }
    }

    @Override
    public Optional<ChangeFeed> changeFeed() {
        return changeFeed.map(ChangeFeed.class::cast);
    }

    @Override
    public void checkHealth() {
        database.checkHealth();
    }

    @Override
    public void close() {
        if (!database.closeOnce()) {
            return;
        }
        changeFeed.ifPresent(JdbcChangeFeed::close);
        LOG.info("JDBC event store closed: dialect={}, node={}", dialect.name(), nodeId);
    }

    /**
     * Runs {@code work} in one transaction on {@code store}. With {@code createRow}, the head row is created first,
     * in its own statement: creating it inside the transaction would let two first appends to a new store deadlock
     * on MariaDB (both lock the missing row's gap, then both insert).
     */
    private <T> T transaction(String operation, StoreId storeId, boolean createRow, JdbcDatabase.Work<T> work) {
        return database.transaction(operation, storeId, createRow ? createRows(Set.of(storeId)) : null, work);
    }

    /** Creates the head rows of {@code stores} not yet known on this node, each in its own statement. */
    private JdbcDatabase.Work<Void> createRows(Set<StoreId> stores) {
        return connection -> {
            for (StoreId storeId : stores) {
                if (!knownStores.contains(storeId)) {
                    insertStoreIfAbsent(connection, storeId);
                    if (knownStores.size() >= MAX_KNOWN_STORES) {
                        // only a shortcut past the insert-if-absent: start over rather than grow with every store
                        knownStores.clear();
                    }
                    knownStores.add(storeId);
                }
            }
            return null;
        };
    }

    private static String newRandomId(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }
}
