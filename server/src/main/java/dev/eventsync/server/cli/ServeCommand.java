package dev.eventsync.server.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.server.ConfigurationException;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ResourceLimits;
import dev.eventsync.vertx.VertxSettings;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.server.auth.JwtSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import sun.misc.Signal;

/** {@code eventsync serve}: runs the server until SIGTERM or SIGINT, then stops gracefully and exits 0. */
@CommandLine.Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the sync server (WebSocket + HTTP, LiveStore sync-cf protocol).",
                "Every option can also be set as an environment variable EVENTSYNC_<OPTION> "
                        + "(EVENTSYNC_PORT, EVENTSYNC_STORAGE, ...) or in a --config properties file (port=8787)."})
final class ServeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--config", paramLabel = "FILE",
            description = "A properties file with option values (option name without dashes as key).")
    String configFile;

    @CommandLine.Option(names = "--host", defaultValue = "127.0.0.1",
            description = "Interface to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    String host;

    @CommandLine.Option(names = "--port", defaultValue = "8787", description = "TCP port (default: ${DEFAULT-VALUE}).")
    int port;

    @CommandLine.Option(names = "--storage", defaultValue = "sqlite:" + StorageSpec.DEFAULT_SQLITE_FILE,
            description = {"memory | sqlite:<path> | postgres | mariadb | a JDBC URL (jdbc:postgresql://host:5432/db, "
                    + "jdbc:mariadb://host:3306/db). Default: ${DEFAULT-VALUE}."})
    String storage;

    @CommandLine.Option(names = "--db-user", description = "Database user (PostgreSQL, MariaDB).")
    String dbUser;

    @CommandLine.Option(names = "--db-password", description = "Database password.")
    String dbPassword;

    @CommandLine.Option(names = "--db-pool-size", defaultValue = "10", description = "Database connections (default: ${DEFAULT-VALUE}); the engine runs at least as many storage workers.")
    int dbPoolSize;

    @CommandLine.Option(names = "--max-push-events", defaultValue = "100", description = "Most events in one push (default: ${DEFAULT-VALUE}).")
    int maxPushEvents;

    @CommandLine.Option(names = "--max-push-bytes", defaultValue = "900000", description = "Most bytes in one push (default: ${DEFAULT-VALUE}).")
    long maxPushBytes;

    @CommandLine.Option(names = "--max-pull-events", defaultValue = "100", description = "Most events in one pull page (default: ${DEFAULT-VALUE}).")
    int maxPullEvents;

    @CommandLine.Option(names = "--max-pull-bytes", defaultValue = "900000", description = "Most bytes in one pull page (default: ${DEFAULT-VALUE}).")
    long maxPullBytes;

    @CommandLine.Option(names = "--live-buffer-events", defaultValue = "10000",
            description = "Events a live pull may fall behind before it reads from storage again (default: ${DEFAULT-VALUE}).")
    int liveBufferEvents;

    @CommandLine.Option(names = "--auth-token", description = "Require this shared token as the sync payload's authToken.")
    String authToken;

    @CommandLine.Option(names = "--jwt-secret",
            description = "Require a JWT signed with HS256/384/512 under this secret (>= 32 bytes; 48 for HS384, 64 for HS512) as authToken.")
    String jwtSecret;

    @CommandLine.Option(names = "--jwt-public-key", paramLabel = "PEM",
            description = "Require a JWT signed by this public key (PEM file, RSA >= 2048 bits for RS*/PS*, or EC P-256/384/521 for ES*).")
    Path jwtPublicKey;

    @CommandLine.Option(names = "--jwt-jwks-url", paramLabel = "URL",
            description = "Require a JWT signed by a key of this JSON Web Key Set (your identity provider's jwks.json); keys are cached and re-fetched when a token names an unknown kid.")
    URI jwtJwksUrl;

    @CommandLine.Option(names = "--jwt-issuer", description = "With a --jwt-* key: the iss claim every token must carry.")
    String jwtIssuer;

    @CommandLine.Option(names = "--jwt-audience", description = "With a --jwt-* key: a value the aud claim of every token must contain.")
    String jwtAudience;

    @CommandLine.Option(names = "--jwt-clock-skew", defaultValue = "30",
            description = "Seconds exp and nbf may be off this server's clock, 0..3600 (default: ${DEFAULT-VALUE}).")
    int jwtClockSkewSeconds;

    @CommandLine.Option(names = "--shutdown-grace", defaultValue = "10",
            description = "Seconds a stopping server lets in-flight pushes finish (default: ${DEFAULT-VALUE}).")
    int shutdownGraceSeconds;

    @CommandLine.Option(names = "--change-feed-interval", defaultValue = "500", paramLabel = "MILLIS",
            description = "MariaDB and SQLite: how often (ms) a node looks for appends and resets made by other nodes "
                    + "or processes on the same database (PostgreSQL is notified instead; default: ${DEFAULT-VALUE}).")
    long changeFeedIntervalMillis;

    @CommandLine.Option(names = "--log-level", defaultValue = "INFO", description = "ERROR, WARN, INFO, DEBUG or TRACE (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @CommandLine.Option(names = "--log-format", defaultValue = "text",
            description = "text (one readable line per event) or json (one JSON object per line). Default: ${DEFAULT-VALUE}.")
    String logFormat;

    // split here, not by picocli: String.split would drop a trailing empty entry ("https://a.example,")
    @CommandLine.Option(names = "--cors-origins", paramLabel = "ORIGIN[,ORIGIN...]",
            description = "Origins whose web pages may use the HTTP transport (https://app.example.com,...), or * for any.")
    List<String> corsOrigins;

    @CommandLine.Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Certificate chain (PEM); with --tls-key the server speaks only https:// and wss://.")
    Path tlsCert;

    @CommandLine.Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (PEM, unencrypted).")
    Path tlsKey;

    @CommandLine.Option(names = "--max-connections", defaultValue = "10000", paramLabel = "N",
            description = "Open TCP connections in total; past it requests get 503 (/health still answers). Kept "
                    + "below 90%% of the file descriptor limit (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @CommandLine.Option(names = "--max-connections-per-address", defaultValue = "1000", paramLabel = "N",
            description = "Open connections per remote address; raise it behind a proxy or NAT (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerAddress;

    @CommandLine.Option(names = "--max-json-depth", defaultValue = "1000", paramLabel = "N",
            description = "Deepest nesting of arrays and objects in a request, 1..1000; a deeper request fails alone "
                    + "with LimitExceeded (default: ${DEFAULT-VALUE}).")
    int maxJsonDepth;

    @CommandLine.Option(names = "--ws-compression", defaultValue = "false", arity = "1", paramLabel = "true|false",
            description = "Offer permessage-deflate to WebSocket clients: less bandwidth, but ~100 KB of memory per "
                    + "connection that used it and more CPU per message; inflated messages are bounded by the frame "
                    + "limit either way (default: ${DEFAULT-VALUE}).")
    boolean wsCompression;

    @CommandLine.Option(names = "--event-loops", paramLabel = "N",
            description = "Event loops (threads) that accept and serve connections, each connection staying on one; "
                    + "1.." + VertxSettings.MAX_EVENT_LOOPS + ", default: one per available processor.")
    Integer eventLoops;

    @CommandLine.Option(names = "--max-idle-stores", defaultValue = "1000", paramLabel = "N",
            description = "Idle stores whose state the engine keeps in memory; others are read again from storage "
                    + "on their next use (default: ${DEFAULT-VALUE}).")
    int maxIdleStores;

    @CommandLine.Option(names = "--metrics-per-store", defaultValue = "false", arity = "0..1",
            description = "Export one eventsync_store_head series per store in /metrics (at most 1000; off by default).")
    boolean metricsPerStore;

    @CommandLine.Option(names = "--metrics-token", paramLabel = "TOKEN",
            description = "/metrics requires Authorization: Bearer TOKEN. With --auth-token or --jwt-secret and no "
                    + "metrics token, /metrics takes the --admin-token, or is closed.")
    String metricsToken;

    @CommandLine.Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "Enables the admin API and web inspector under /admin, for requests with Authorization: Bearer TOKEN (>= 16 characters).")
    String adminToken;

    @Override
    public Integer call() {
        setLogLevel(logLevel);
        LogFormat.apply(logFormat);
        ServerConfig config = config();
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stopSignal = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> stopSignal.countDown());
        Signal.handle(new Signal("INT"), signal -> stopSignal.countDown());
        EventsyncServer server = Eventsync.builder().config(config).build().start();
        String address = urlHost(config.host()) + ":" + server.port();
        String ws = config.http().wsScheme();
        String http = config.http().httpScheme();
        out.printf("Eventsync listening on %s (WebSocket %s://%s, HTTP %s://%s)%n", address, ws, address, http, address);
        out.printf("storage: %s%n", config.storage().describe());
        out.printf("auth: %s%n", config.authToken().isPresent() ? "shared token"
                : config.jwt().map(jwt -> "JWT (" + jwt.describe() + ")").orElse("none"));
        out.printf("health: %s://%s/health  metrics: %s://%s/metrics%n", http, address, http, address);
        if (config.http().adminToken().isPresent()) {
            out.printf("admin: %s://%s/admin/api (Authorization: Bearer <admin token>), inspector: %s://%s/admin/%n",
                    http, address, http, address);
        }
        if (!config.http().corsOrigins().isEmpty()) {
            out.printf("CORS: %s%n", String.join(", ", config.http().corsOrigins()));
        }
        out.printf("LiveStore: makeWsSync({ url: '%s://%s' })%n", ws, address);
        out.flush();
        try {
            stopSignal.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("stopping: finishing in-flight pushes, closing connections");
        out.flush();
        server.stop(config.shutdownGrace());
        out.println("stopped");
        out.flush();
        return 0;
    }

    ServerConfig config() {
        SyncLimits limits;
        try {
            limits = new SyncLimits(maxPushEvents, maxPushBytes, maxPullEvents, maxPullBytes, liveBufferEvents);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException(e.getMessage());
        }
        requireNonBlankSecret("--auth-token", authToken);
        requireNonBlankSecret("--jwt-secret", jwtSecret);
        requireNonBlankSecret("--admin-token", adminToken);
        requireNonBlankSecret("--metrics-token", metricsToken);
        return new ServerConfig(host, port, StorageSpec.parse(storage), Optional.ofNullable(dbUser),
                Optional.ofNullable(dbPassword), dbPoolSize, limits, Optional.ofNullable(authToken),
                jwt(), Duration.ofSeconds(shutdownGraceSeconds),
                new HttpOptions(corsOrigins(), Optional.ofNullable(tlsCert), Optional.ofNullable(tlsKey),
                        Optional.ofNullable(adminToken)),
                Duration.ofMillis(changeFeedIntervalMillis),
                new ResourceLimits(maxConnections, maxConnectionsPerAddress, maxJsonDepth, wsCompression, maxIdleStores,
                        metricsPerStore, Optional.ofNullable(metricsToken),
                        eventLoops == null ? VertxSettings.DEFAULT_EVENT_LOOPS : eventLoops));
    }

    /**
     * The --cors-origins list; an empty entry ({@code --cors-origins ""} with an unset variable, or a stray comma)
     * is refused like an empty secret: the server would otherwise start without the CORS it was meant to have.
     */
    private List<String> corsOrigins() {
        if (corsOrigins == null) {
            return List.of();
        }
        List<String> origins = corsOrigins.stream().flatMap(v -> java.util.Arrays.stream(v.split(",", -1)))
                .map(String::strip).toList();
        if (origins.isEmpty() || origins.contains("")) {
            throw new ConfigurationException("--cors-origins is given but " + (origins.size() > 1
                    ? "has an empty entry " + corsOrigins : "empty (an unset variable?)") + ": give origins such as "
                    + "https://app.example.com,http://localhost:5173, or * for any, or leave the option out");
        }
        return origins;
    }

    /**
     * A secret that is given but empty (typically {@code --auth-token "$TOKEN"} with {@code TOKEN} unset, or
     * {@code EVENTSYNC_AUTH_TOKEN=}) would start a server without the protection it was meant to have.
     */
    static void requireNonBlankSecret(String option, String value) {
        if (value != null && value.isBlank()) {
            throw new ConfigurationException(option + " is given but empty (an unset variable?): set it to the secret,"
                    + " or leave the option out to run without it");
        }
    }

    /** The JWT settings of the --jwt-* options: at most one source of keys, checked here so a mistake stops the start. */
    private Optional<JwtSettings> jwt() {
        List<String> sources = new java.util.ArrayList<>();
        Optional<JwtSettings.Keys> keys = Optional.empty();
        try {
            if (jwtSecret != null && !jwtSecret.isBlank()) {
                sources.add("--jwt-secret");
                keys = Optional.of(new JwtSettings.Secret(jwtSecret.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
            if (jwtPublicKey != null) {
                sources.add("--jwt-public-key");
                keys = Optional.of(new JwtSettings.PublicKeyPem(java.nio.file.Files.readString(jwtPublicKey)));
            }
            if (jwtJwksUrl != null) {
                sources.add("--jwt-jwks-url");
                keys = Optional.of(new JwtSettings.Jwks(jwtJwksUrl));
            }
        } catch (java.io.IOException e) {
            throw new ConfigurationException("cannot read --jwt-public-key " + jwtPublicKey + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            // a short secret, a bad PEM key, a JWKS URL that is not http(s): the start stops with the reason
            throw new ConfigurationException(String.join(" / ", sources) + ": " + e.getMessage(), e);
        }
        if (sources.size() > 1) {
            throw new ConfigurationException("choose one source of JWT keys, not " + String.join(" and ", sources));
        }
        if (jwtClockSkewSeconds < 0 || jwtClockSkewSeconds > JwtSettings.MAX_CLOCK_SKEW.toSeconds()) {
            throw new ConfigurationException("--jwt-clock-skew must be between 0 and "
                    + JwtSettings.MAX_CLOCK_SKEW.toSeconds() + " seconds, got " + jwtClockSkewSeconds);
        }
        if (keys.isEmpty()) {
            if (jwtIssuer != null || jwtAudience != null) {
                throw new ConfigurationException("--jwt-issuer and --jwt-audience need a key: --jwt-secret, "
                        + "--jwt-public-key or --jwt-jwks-url");
            }
            return Optional.empty();
        }
        JwtSettings settings = JwtSettings.of(keys.get()).withClockSkew(Duration.ofSeconds(jwtClockSkewSeconds));
        if (jwtIssuer != null) {
            settings = settings.withIssuer(jwtIssuer);
        }
        if (jwtAudience != null) {
            settings = settings.withAudience(jwtAudience);
        }
        return Optional.of(settings);
    }

    /** {@code host} as a URL's host: an IPv6 literal in brackets ({@code ::1} is {@code [::1]}), others as they are. */
    static String urlHost(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    static void setLogLevel(String level) {
        Level parsed = Level.toLevel(level, null);
        if (parsed == null) {
            throw new ConfigurationException("unknown log level '" + level + "': use ERROR, WARN, INFO, DEBUG or TRACE");
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(parsed);
    }
}
