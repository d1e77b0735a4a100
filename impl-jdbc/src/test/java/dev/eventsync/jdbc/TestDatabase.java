package dev.eventsync.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A private, empty database namespace for one test: an SQLite file in a temporary directory, a fresh
 * schema in PostgreSQL's {@code eventsync_test} database, or a fresh MariaDB database. {@link #close()}
 * drops it. Nothing shared is ever dropped.
 *
 * <p>Servers are found with {@code EVENTSYNC_TEST_PG_URL} / {@code _USER} / {@code _PASSWORD} and
 * {@code EVENTSYNC_TEST_MARIADB_URL} / {@code _USER} / {@code _PASSWORD} (defaults: the local servers that
 * {@code .ci/run} starts). When a server is unreachable the test is skipped with a message saying how to
 * enable it, except when the environment variable {@code CI} is set: then it fails.
 */
abstract class TestDatabase implements AutoCloseable {

    static final String PG_URL = env("EVENTSYNC_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/eventsync_test");
    static final String PG_USER = env("EVENTSYNC_TEST_PG_USER", "postgres");
    static final String PG_PASSWORD = env("EVENTSYNC_TEST_PG_PASSWORD", "");
    static final String MARIADB_URL = env("EVENTSYNC_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
    static final String MARIADB_USER = env("EVENTSYNC_TEST_MARIADB_USER", "root");
    static final String MARIADB_PASSWORD = env("EVENTSYNC_TEST_MARIADB_PASSWORD", "");

    private static final Map<String, Optional<String>> UNREACHABLE = new ConcurrentHashMap<>();

    /** Settings that reach this namespace (a small pool, short timeouts). */
    abstract JdbcSettings settings();

    /** A short name for messages: sqlite, postgresql, mariadb. */
    abstract String kind();

    /** Runs administrative SQL with a connection of its own, outside any store. */
    abstract void execute(String sql);

    @Override
    public abstract void close();

    static TestDatabase of(String kind) {
        return switch (kind) {
            case "sqlite" -> sqlite();
            case "postgresql" -> postgres();
            case "mariadb" -> mariadb();
            default -> throw new IllegalArgumentException("unknown test database kind " + kind);
        };
    }

    static TestDatabase sqlite() {
        try {
            return new Sqlite(Files.createTempDirectory("eventsync-sqlite-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static TestDatabase postgres() {
        requireReachable("PostgreSQL", adminUrl(PG_URL, "postgres"), PG_USER, PG_PASSWORD, "EVENTSYNC_TEST_PG");
        String database = PG_URL.substring(PG_URL.lastIndexOf('/') + 1).split("\\?")[0];
        try (Connection admin = connect(adminUrl(PG_URL, "postgres"), PG_USER, PG_PASSWORD);
             Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState()) && !"23505".equals(e.getSQLState())) {
                throw new IllegalStateException("cannot create the test database " + database, e);
            }
        }
        String schema = uniqueName("es_t_");
        Postgres db = new Postgres(schema);
        db.execute("CREATE SCHEMA " + schema);
        return db;
    }

    static TestDatabase mariadb() {
        requireReachable("MariaDB", MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD, "EVENTSYNC_TEST_MARIADB");
        String database = uniqueName("eventsync_t_");
        MariaDb db = new MariaDb(database);
        db.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        return db;
    }

    static String uniqueName(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    private static String adminUrl(String url, String database) {
        int slash = url.lastIndexOf('/');
        return url.substring(0, slash + 1) + database;
    }

    static Connection connect(String url, String user, String password) throws SQLException {
        DriverManager.setLoginTimeout(5);
        return DriverManager.getConnection(url, user, password.isEmpty() ? null : password);
    }

    /** Skips (or, under CI, fails) the calling test when the server cannot be reached. */
    private static void requireReachable(String name, String url, String user, String password, String envPrefix) {
        Optional<String> problem = UNREACHABLE.computeIfAbsent(url, u -> {
            try (Connection ignored = connect(u, user, password)) {
                return Optional.empty();
            } catch (SQLException e) {
                return Optional.of(e.getMessage());
            }
        });
        if (problem.isEmpty()) {
            return;
        }
        String message = name + " is not reachable at " + url + " as " + user + " (" + problem.get() + "). "
                + "To run the " + name + " tests, start it (.ci/run shows how) or point "
                + envPrefix + "_URL / _USER / _PASSWORD at a server.";
        if (System.getenv("CI") != null) {
            fail("CI is set, so " + name + " tests must run: " + message);
        }
        Assumptions.abort(message);
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** Runs one statement on a fresh connection to a database server; any failure fails the test. */
    private static void executeOn(String url, String user, String password, String sql) {
        try (Connection connection = connect(url, user, password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    private static JdbcSettings small(JdbcSettings settings) {
        return settings.withMaximumPoolSize(4).withConnectionTimeout(java.time.Duration.ofSeconds(5))
                .withChangeFeedInterval(java.time.Duration.ofMillis(100));
    }

    /** An SQLite file in a temporary directory. */
    static final class Sqlite extends TestDatabase {
        private final Path directory;

        Sqlite(Path directory) {
            this.directory = directory;
        }

        Path file() {
            return directory.resolve("eventsync.db");
        }

        @Override
        JdbcSettings settings() {
            return small(JdbcSettings.sqlite(file()));
        }

        @Override
        String kind() {
            return "sqlite";
        }

        @Override
        void execute(String sql) {
            try (Connection connection = DriverManager.getConnection(settings().url());
                 Statement statement = connection.createStatement()) {
                statement.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql, e);
            }
        }

        @Override
        public void close() {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A fresh schema in the PostgreSQL test database. */
    static final class Postgres extends TestDatabase {
        private final String schema;

        Postgres(String schema) {
            this.schema = schema;
        }

        String schema() {
            return schema;
        }

        @Override
        JdbcSettings settings() {
            String separator = PG_URL.contains("?") ? "&" : "?";
            return small(JdbcSettings.of(PG_URL + separator + "currentSchema=" + schema)
                    .withCredentials(PG_USER, PG_PASSWORD));
        }

        @Override
        String kind() {
            return "postgresql";
        }

        @Override
        void execute(String sql) {
            executeOn(PG_URL, PG_USER, PG_PASSWORD, sql);
        }

        @Override
        public void close() {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /** A fresh MariaDB database. */
    static final class MariaDb extends TestDatabase {
        private final String database;

        MariaDb(String database) {
            this.database = database;
        }

        /** The private database's name: every connection to it belongs to this test. */
        String database() {
            return database;
        }

        @Override
        JdbcSettings settings() {
            return small(JdbcSettings.of(MARIADB_URL + database).withCredentials(MARIADB_USER, MARIADB_PASSWORD));
        }

        @Override
        String kind() {
            return "mariadb";
        }

        @Override
        void execute(String sql) {
            executeOn(MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD, sql);
        }

        @Override
        public void close() {
            execute("DROP DATABASE IF EXISTS " + database);
        }
    }
}
