package dev.eventsync.jdbc;

import dev.eventsync.api.StoreId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed of databases without notifications (MariaDB/MySQL, and several processes on one SQLite
 * file): one daemon thread per store instance reads every store's head and backendId from
 * {@code eventsync_store} each {@link JdbcSettings#changeFeedInterval()} and reports what moved since the
 * previous read: a higher head as {@link Listener#appended}, a new backendId (or a vanished row) as
 * {@link Listener#reset}. Its own appends are reported too; the engine ignores heads it already published.
 *
 * <p>Bounded: one connection of its own (outside the pool), one keyset-paged query of at most
 * {@value #PAGE_ROWS} rows at a time, and a map of one head and backendId per store. The cost of a poll
 * grows with the number of stores (an index scan of the store table), not with the number of events.
 * After its first read, and after the database comes back from an outage, it calls
 * {@link Listener#resync()}, since appends made meanwhile were not seen one by one.
 */
final class PollingChangeFeed extends ThreadedChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(PollingChangeFeed.class);
    static final int PAGE_ROWS = 1000;
    private static final String SELECT_PAGE = "SELECT store_id, head, backend_id FROM eventsync_store"
            + " WHERE store_id > ? ORDER BY store_id LIMIT " + PAGE_ROWS;

    private record Row(long head, String backendId) {
    }

    private final JdbcSettings settings;
    private final String dialect;
    private Map<String, Row> known;

    PollingChangeFeed(JdbcSettings settings, String dialect) {
        super("eventsync-" + dialect + "-change-feed");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.dialect = Objects.requireNonNull(dialect, "dialect");
    }

    @Override
    void runFeed() {
        long intervalMillis = settings.changeFeedInterval().toMillis();
        boolean failing = false;
        while (running()) {
            try {
                boolean first = known == null;
                poll();
                if (first || failing) {
                    if (failing) {
                        LOG.info("{} change feed reads the database again", dialect);
                    }
                    failing = false;
                    listeners.resync();
                }
            } catch (SQLException e) {
                if (!running()) {
                    break;
                }
                if (!failing) {
                    LOG.warn("{} change feed cannot read the database ({}); retrying every {} ms", dialect,
                            e.getMessage(), intervalMillis);
                }
                failing = true;
                closeConnection();
            }
            try {
                Thread.sleep(intervalMillis);
            } catch (InterruptedException e) {
                break;
            }
        }
        closeConnection();
        LOG.debug("{} change feed stopped", dialect);
    }

    /** Reads every store's row and reports the differences from the previous read. */
    private void poll() throws SQLException {
        Map<String, Row> now = new HashMap<>(known == null ? 16 : known.size() * 2);
        try (PreparedStatement select = connection().prepareStatement(SELECT_PAGE)) {
            String after = "";
            int rows;
            do {
                rows = 0;
                select.setString(1, after);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        rows++;
                        after = rs.getString(1);
                        now.put(after, new Row(rs.getLong(2), rs.getString(3)));
                    }
                }
            } while (rows == PAGE_ROWS && running());
        }
        Map<String, Row> before = known;
        known = now;
        if (before == null) {
            return; // the first read is the baseline; the caller resyncs
        }
        now.forEach((id, row) -> {
            Row old = before.get(id);
            if (old != null && !old.backendId().equals(row.backendId())) {
                reset(id);
            } else if (old == null || row.head() > old.head()) {
                appended(id, row.head());
            }
        });
        before.keySet().stream().filter(id -> !now.containsKey(id)).forEach(this::reset);
    }

    private Connection connection() throws SQLException {
        Connection current = connection;
        if (current == null) {
            Properties properties = new Properties();
            settings.username().ifPresent(user -> properties.setProperty("user", user));
            settings.password().ifPresent(password -> properties.setProperty("password", password));
            current = DriverManager.getConnection(settings.url(), properties);
            connection = current;
        }
        return current;
    }

    private void appended(String id, long head) {
        listeners.appended(StoreId.of(id), head);
    }

    private void reset(String id) {
        listeners.reset(StoreId.of(id));
    }

}
