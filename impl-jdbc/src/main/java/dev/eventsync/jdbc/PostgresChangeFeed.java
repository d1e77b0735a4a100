package dev.eventsync.jdbc;

import dev.eventsync.api.StoreId;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL change feed: one dedicated connection per store instance that {@code LISTEN}s on the
 * schema's channel, where every append publishes {@code "<nodeId> <head> <storeId>"} at commit (see
 * {@link PostgresDialect#writeBatch}). Notifications from this instance's own appends are skipped.
 *
 * <p>The listening connection lives outside the pool, on a daemon thread that starts with the first
 * subscriber. When the connection breaks (server restart, {@code pg_terminate_backend}, network), the
 * thread reconnects with a capped backoff and, once listening again, calls {@link Listener#resync()} on
 * every listener, since notifications sent meanwhile are lost. It also calls {@code resync()} after the
 * first {@code LISTEN}, which covers appends made between a subscription and the moment it took effect.
 * A silent network failure is detected by a keep-alive query on an idle connection.
 */
final class PostgresChangeFeed extends ThreadedChangeFeed {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresChangeFeed.class);

    /**
     * The channel as an SQL expression: one channel per schema, so that deployments (and tests) in
     * different schemas of one database do not wake each other up. Channel names are at most 63 bytes.
     */
    static final String CHANNEL_EXPRESSION = "'eventsync_' || left(current_schema(), 53)";

    private static final String RESET = "reset";
    private static final int POLL_MILLIS = 250;
    private static final long KEEP_ALIVE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final JdbcSettings settings;
    private final String nodeId;

    PostgresChangeFeed(JdbcSettings settings, String nodeId) {
        super("eventsync-pg-change-feed-" + nodeId);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.nodeId = Objects.requireNonNull(nodeId, "nodeId");
    }

    static String payload(String nodeId, StoreId storeId, long head) {
        return nodeId + ' ' + head + ' ' + storeId.value();
    }

    /** A reset's notification: {@code "<nodeId> reset <storeId>"}. */
    static String resetPayload(String nodeId, StoreId store) {
        return nodeId + ' ' + RESET + ' ' + store.value();
    }

    @Override
    void runFeed() {
        long backoffMillis = 100;
        while (running()) {
            try {
                listen();
                backoffMillis = 100;
            } catch (SQLException e) {
                if (!running()) {
                    break;
                }
                LOG.warn("PostgreSQL change feed lost its connection ({}); reconnecting in {} ms", e.getMessage(),
                        backoffMillis);
            } finally {
                closeConnection();
            }
            try {
                Thread.sleep(backoffMillis);
            } catch (InterruptedException e) {
                break;
            }
            backoffMillis = Math.min(MAX_BACKOFF.toMillis(), backoffMillis * 2);
        }
        LOG.debug("PostgreSQL change feed of node {} stopped", nodeId);
    }

    /** Connects, listens and dispatches until the connection fails or the feed is closed. */
    private void listen() throws SQLException {
        Properties properties = new Properties();
        settings.username().ifPresent(user -> properties.setProperty("user", user));
        settings.password().ifPresent(password -> properties.setProperty("password", password));
        properties.setProperty("connectTimeout", String.valueOf(Math.max(1, settings.connectionTimeout().toSeconds())));
        properties.setProperty("ApplicationName", "eventsync-feed-" + nodeId);
        Connection listening = DriverManager.getConnection(settings.url(), properties);
        connection = listening;
        String channel;
        try (Statement statement = listening.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT " + CHANNEL_EXPRESSION)) {
                rs.next();
                channel = rs.getString(1);
            }
            statement.execute("LISTEN \"" + channel.replace("\"", "\"\"") + '"');
        }
        LOG.info("PostgreSQL change feed of node {} listening on channel {}", nodeId, channel);
        listeners.resync();
        PGConnection pg = listening.unwrap(PGConnection.class);
        long lastActivity = System.nanoTime();
        while (running()) {
            PGNotification[] notifications = pg.getNotifications(POLL_MILLIS);
            if (notifications != null && notifications.length > 0) {
                lastActivity = System.nanoTime();
                for (PGNotification notification : notifications) {
                    dispatch(notification.getParameter());
                }
            } else if (System.nanoTime() - lastActivity > KEEP_ALIVE_NANOS) {
                try (Statement keepAlive = listening.createStatement()) {
                    keepAlive.execute("SELECT 1");
                }
                lastActivity = System.nanoTime();
            }
        }
    }

    private void dispatch(String payload) {
        String[] parts = payload.split(" ", 3);
        if (parts.length != 3) {
            LOG.warn("Ignoring a malformed change notification: '{}'", payload);
            return;
        }
        if (parts[0].equals(nodeId)) {
            return;
        }
        StoreId storeId;
        long head;
        try {
            storeId = StoreId.of(parts[2]);
            if (parts[1].equals(RESET)) {
                listeners.reset(storeId);
                return;
            }
            head = Long.parseLong(parts[1]);
        } catch (RuntimeException e) {
            LOG.warn("Ignoring a malformed change notification: '{}'", payload);
            return;
        }
        listeners.appended(storeId, head);
    }

}
