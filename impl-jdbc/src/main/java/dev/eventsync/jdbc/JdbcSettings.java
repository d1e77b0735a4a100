package dev.eventsync.jdbc;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How {@link JdbcEventStore} reaches its database: the JDBC URL (which also picks the dialect, see
 * {@link JdbcDialects}), credentials, and the connection pool's size and timeouts.
 *
 * <p>Start from {@link #of(String)} or {@link #sqlite(Path)} and adjust with the {@code with...}
 * methods; every value is validated here so that a bad setting fails at startup, not at the first push.
 *
 * @param url               JDBC URL: {@code jdbc:sqlite:<file>}, {@code jdbc:postgresql://...},
 *                          {@code jdbc:mariadb://...} or {@code jdbc:mysql://...}
 * @param username          database user, empty to use the driver's default (or none, for SQLite)
 * @param password          database password, empty for none
 * @param maximumPoolSize   the most connections the pool opens (HikariCP {@code maximumPoolSize})
 * @param connectionTimeout how long a call waits for a connection before the store reports itself
 *                          unavailable; for SQLite also how long a writer waits for the file lock
 * @param validationTimeout how long a connection liveness check may take (shorter than
 *                          {@code connectionTimeout})
 * @param idleTimeout       how long an idle connection above the pool's minimum is kept
 * @param maxLifetime       the age at which a connection is retired and replaced
 * @param changeFeed        whether to follow appends and resets made by other nodes (other processes) on the
 *                          same database, so that their events reach this node's live pulls: PostgreSQL
 *                          listens ({@code LISTEN/NOTIFY}), MariaDB and SQLite poll the store table
 * @param changeFeedInterval how often the polling feed (MariaDB, SQLite) reads the store table: the most
 *                          a live pull on this node waits for another node's append (PostgreSQL ignores it)
 */
public record JdbcSettings(String url, Optional<String> username, Optional<String> password, int maximumPoolSize,
                           Duration connectionTimeout, Duration validationTimeout, Duration idleTimeout,
                           Duration maxLifetime, boolean changeFeed, Duration changeFeedInterval) {

    /** Default pool size: enough for the engine's storage executor on a small server. */
    public static final int DEFAULT_POOL_SIZE = 10;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
    public static final Duration DEFAULT_CHANGE_FEED_INTERVAL = Duration.ofMillis(500);

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");

    public JdbcSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(connectionTimeout, "connectionTimeout");
        Objects.requireNonNull(validationTimeout, "validationTimeout");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
        if (!url.startsWith("jdbc:")) {
            throw new IllegalArgumentException("not a JDBC URL (must start with 'jdbc:'): " + url);
        }
        if (maximumPoolSize < 1) {
            throw new IllegalArgumentException("maximumPoolSize must be at least 1, got " + maximumPoolSize);
        }
        // HikariCP's own lower bound for both timeouts.
        if (connectionTimeout.toMillis() < 250 || validationTimeout.toMillis() < 250) {
            throw new IllegalArgumentException("connectionTimeout and validationTimeout must be at least 250 ms");
        }
        if (validationTimeout.compareTo(connectionTimeout) >= 0) {
            throw new IllegalArgumentException("validationTimeout (" + validationTimeout
                    + ") must be shorter than connectionTimeout (" + connectionTimeout + ")");
        }
        if (idleTimeout.isNegative() || maxLifetime.isNegative()) {
            throw new IllegalArgumentException("idleTimeout and maxLifetime must not be negative");
        }
        Objects.requireNonNull(changeFeedInterval, "changeFeedInterval");
        if (changeFeedInterval.toMillis() < 10 || changeFeedInterval.compareTo(Duration.ofMinutes(1)) > 0) {
            throw new IllegalArgumentException("changeFeedInterval must be between 10 ms and 1 minute, got "
                    + changeFeedInterval.toMillis() + " ms");
        }
    }

    /** Settings for {@code url} with no credentials and the default pool. */
    public static JdbcSettings of(String url) {
        return new JdbcSettings(url, Optional.empty(), Optional.empty(), DEFAULT_POOL_SIZE,
                DEFAULT_CONNECTION_TIMEOUT, DEFAULT_VALIDATION_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LIFETIME,
                true, DEFAULT_CHANGE_FEED_INTERVAL);
    }

    /** Settings for an SQLite database in {@code file} (created when missing). */
    public static JdbcSettings sqlite(Path file) {
        return of("jdbc:sqlite:" + file.toAbsolutePath());
    }

    public JdbcSettings withCredentials(String user, String secret) {
        return new JdbcSettings(url, Optional.of(user), Optional.ofNullable(secret).filter(s -> !s.isEmpty()),
                maximumPoolSize, connectionTimeout, validationTimeout, idleTimeout, maxLifetime, changeFeed, changeFeedInterval);
    }

    public JdbcSettings withMaximumPoolSize(int size) {
        return new JdbcSettings(url, username, password, size, connectionTimeout, validationTimeout, idleTimeout,
                maxLifetime, changeFeed, changeFeedInterval);
    }

    /** Sets the connection timeout, and shortens the validation timeout to fit under it if needed. */
    public JdbcSettings withConnectionTimeout(Duration timeout) {
        Duration validation = validationTimeout.compareTo(timeout) < 0
                ? validationTimeout
                : Duration.ofMillis(Math.max(250, timeout.toMillis() / 2));
        return new JdbcSettings(url, username, password, maximumPoolSize, timeout, validation, idleTimeout,
                maxLifetime, changeFeed, changeFeedInterval);
    }

    public JdbcSettings withChangeFeed(boolean enabled) {
        return new JdbcSettings(url, username, password, maximumPoolSize, connectionTimeout, validationTimeout,
                idleTimeout, maxLifetime, enabled, changeFeedInterval);
    }

    /** Sets how often the polling change feed (MariaDB, SQLite) looks for other nodes' appends. */
    public JdbcSettings withChangeFeedInterval(Duration interval) {
        return new JdbcSettings(url, username, password, maximumPoolSize, connectionTimeout, validationTimeout,
                idleTimeout, maxLifetime, changeFeed, interval);
    }

    /** The URL with any {@code password=...} parameter masked, for logs and messages. */
    public String redactedUrl() {
        return PASSWORD_PARAMETER.matcher(url).replaceAll("$1****");
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "JdbcSettings[url=" + redactedUrl() + ", username=" + username.orElse("<none>")
                + ", password=" + (password.isPresent() ? "****" : "<none>")
                + ", maximumPoolSize=" + maximumPoolSize + ", connectionTimeout=" + connectionTimeout
                + ", validationTimeout=" + validationTimeout + ", idleTimeout=" + idleTimeout
                + ", maxLifetime=" + maxLifetime + ", changeFeed=" + changeFeed + ", changeFeedInterval=" + changeFeedInterval + "]";
    }
}
