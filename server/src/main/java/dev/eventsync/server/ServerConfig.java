package dev.eventsync.server;

import dev.eventsync.api.SyncLimits;
import dev.eventsync.core.EngineSettings;
import dev.eventsync.server.auth.JwtSettings;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a server is configured with, resolved from the command line, environment variables
 * ({@code EVENTSYNC_*}) and a properties file, in that order of precedence.
 *
 * @param host          interface to listen on
 * @param port          TCP port ({@code 0}: any free port)
 * @param storage       where events are kept
 * @param dbUser        database user (PostgreSQL, MariaDB)
 * @param dbPassword    database password
 * @param dbPoolSize    connections in the database pool
 * @param limits        push and pull limits
 * @param authToken     a shared token clients must send as {@code {"authToken": "..."}} (or as a bearer header)
 * @param jwt           how to verify JWTs, when clients must send one as {@code authToken} (or a bearer header)
 * @param shutdownGrace how long a stopping server lets in-flight pushes finish
 * @param http          CORS, TLS and the admin API
 * @param changeFeedInterval how often a node on MariaDB or SQLite looks for other nodes' appends and resets
 *                      (PostgreSQL is notified instead)
 * @param resources     connection, nesting and memory bounds, and who may read {@code /metrics}
 */
public record ServerConfig(String host, int port, StorageSpec storage, Optional<String> dbUser,
                           Optional<String> dbPassword, int dbPoolSize, SyncLimits limits, Optional<String> authToken,
                           Optional<JwtSettings> jwt, Duration shutdownGrace, HttpOptions http,
                           Duration changeFeedInterval, ResourceLimits resources) {

    public ServerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(dbUser, "dbUser");
        Objects.requireNonNull(dbPassword, "dbPassword");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(authToken, "authToken");
        Objects.requireNonNull(jwt, "jwt");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(changeFeedInterval, "changeFeedInterval");
        Objects.requireNonNull(resources, "resources");
        if (changeFeedInterval.toMillis() < 10 || changeFeedInterval.toMillis() > 60_000) {
            throw new ConfigurationException("change-feed-interval must be between 10 and 60000 milliseconds, got "
                    + changeFeedInterval.toMillis());
        }
        if (port < 0 || port > 65535) {
            throw new ConfigurationException("port must be between 0 and 65535, got " + port);
        }
        if (dbPoolSize < 1) {
            throw new ConfigurationException("db-pool-size must be at least 1, got " + dbPoolSize);
        }
        if (authToken.filter(String::isBlank).isPresent()) {
            throw new ConfigurationException("an empty auth token protects nothing: give a secret,"
                    + " or none to run without auth");
        }
        if (authToken.isPresent() && jwt.isPresent()) {
            throw new ConfigurationException("choose one of --auth-token and the --jwt-* options, not both");
        }
    }

    /** How often the polling change feed (MariaDB, SQLite) reads by default. */
    public static final Duration DEFAULT_CHANGE_FEED_INTERVAL = Duration.ofMillis(500);

    /** The defaults: 127.0.0.1:8787 on the SQLite file {@value StorageSpec#DEFAULT_SQLITE_FILE}, no auth. */
    public static ServerConfig defaults() {
        return new ServerConfig("127.0.0.1", 8787, StorageSpec.parse("sqlite"), Optional.empty(), Optional.empty(),
                10, SyncLimits.DEFAULTS, Optional.empty(), Optional.empty(), Duration.ofSeconds(10), HttpOptions.defaults(),
                DEFAULT_CHANGE_FEED_INTERVAL, ResourceLimits.defaults());
    }

    public ServerConfig withStorage(StorageSpec value) {
        return new ServerConfig(host, port, value, dbUser, dbPassword, dbPoolSize, limits, authToken, jwt,
                shutdownGrace, http, changeFeedInterval, resources);
    }

    public ServerConfig withPort(int value) {
        return new ServerConfig(host, value, storage, dbUser, dbPassword, dbPoolSize, limits, authToken, jwt,
                shutdownGrace, http, changeFeedInterval, resources);
    }

    public ServerConfig withAuthToken(String value) {
        return new ServerConfig(host, port, storage, dbUser, dbPassword, dbPoolSize, limits, Optional.of(value),
                jwt, shutdownGrace, http, changeFeedInterval, resources);
    }

    public ServerConfig withHttp(HttpOptions value) {
        return new ServerConfig(host, port, storage, dbUser, dbPassword, dbPoolSize, limits, authToken, jwt,
                shutdownGrace, value, changeFeedInterval, resources);
    }

    public ServerConfig withChangeFeedInterval(Duration value) {
        return new ServerConfig(host, port, storage, dbUser, dbPassword, dbPoolSize, limits, authToken, jwt,
                shutdownGrace, http, value, resources);
    }

    public ServerConfig withResources(ResourceLimits value) {
        return new ServerConfig(host, port, storage, dbUser, dbPassword, dbPoolSize, limits, authToken, jwt,
                shutdownGrace, http, changeFeedInterval, value);
    }

    /**
     * The engine's settings for this configuration: {@link EngineSettings#DEFAULTS} with {@code --max-idle-stores},
     * and, for a storage other than {@code memory}, at least as many storage workers as the pool has connections
     * ({@code --db-pool-size}). Storage calls block on a connection, so fewer workers than connections would leave
     * connections idle while appends to other stores wait (16 stores pushing at once on a 2-core machine had only 4
     * appends in the database at a time); more would only wait for the pool.
     */
    public EngineSettings engineSettings() {
        EngineSettings defaults = EngineSettings.DEFAULTS;
        int workers = "memory".equals(storage.kind()) ? defaults.workerThreads()
                : Math.max(defaults.workerThreads(), dbPoolSize);
        return new EngineSettings(workers, defaults.queueCapacity(), defaults.readBatchSize(),
                resources.maxIdleStores());
    }
}
