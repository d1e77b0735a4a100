package dev.eventsync.bench;

import dev.eventsync.jdbc.JdbcSettings;
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
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A private, empty namespace for one benchmark trial, dropped afterwards: an SQLite file in a temporary
 * directory, a fresh schema in PostgreSQL's {@code eventsync_test} database, or a fresh MariaDB database.
 * Servers come from the environment ({@code EVENTSYNC_BENCH_PG_URL} / {@code _USER} / {@code _PASSWORD},
 * {@code EVENTSYNC_BENCH_MARIADB_URL} / {@code _USER} / {@code _PASSWORD}), which JMH's forked JVMs
 * inherit; the defaults are the local servers of {@code .ci/run}.
 */
abstract class BenchDatabase implements AutoCloseable {

    /** Settings for the namespace, with the benchmark's pool size. */
    abstract JdbcSettings settings();

    @Override
    public abstract void close();

    static BenchDatabase create(String kind) {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "sqlite" -> new Sqlite();
            case "postgresql" -> new Postgres("bench_" + suffix);
            case "mariadb" -> new MariaDb("eventsync_bench_" + suffix);
            default -> throw new IllegalArgumentException("unknown database '" + kind
                    + "', known: sqlite, postgresql, mariadb");
        };
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    static void execute(String url, String user, String password, String sql) {
        try (Connection connection = DriverManager.getConnection(url, user, password.isEmpty() ? null : password);
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("'" + sql + "' failed on " + url + ": " + e.getMessage(), e);
        }
    }

    private static final class Sqlite extends BenchDatabase {
        private final Path directory;

        Sqlite() {
            try {
                directory = Files.createTempDirectory("eventsync-bench-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        JdbcSettings settings() {
            return JdbcSettings.sqlite(directory.resolve("bench.db")).withMaximumPoolSize(4);
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

    private static final class Postgres extends BenchDatabase {
        private static final String URL = setting("EVENTSYNC_BENCH_PG_URL",
                "jdbc:postgresql://127.0.0.1:5432/eventsync_test");
        private static final String USER = setting("EVENTSYNC_BENCH_PG_USER", "postgres");
        private static final String PASSWORD = setting("EVENTSYNC_BENCH_PG_PASSWORD", "");
        private final String schema;

        Postgres(String schema) {
            this.schema = schema;
            execute(URL, USER, PASSWORD, "CREATE SCHEMA " + schema);
        }

        @Override
        JdbcSettings settings() {
            return JdbcSettings.of(URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema)
                    .withCredentials(USER, PASSWORD).withMaximumPoolSize(4).withChangeFeed(false);
        }

        @Override
        public void close() {
            execute(URL, USER, PASSWORD, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static final class MariaDb extends BenchDatabase {
        private static final String URL = setting("EVENTSYNC_BENCH_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
        private static final String USER = setting("EVENTSYNC_BENCH_MARIADB_USER", "root");
        private static final String PASSWORD = setting("EVENTSYNC_BENCH_MARIADB_PASSWORD", "");
        private final String database;

        MariaDb(String database) {
            this.database = database;
            execute(URL, USER, PASSWORD, "CREATE DATABASE " + database + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }

        @Override
        JdbcSettings settings() {
            return JdbcSettings.of(URL + database).withCredentials(USER, PASSWORD).withMaximumPoolSize(4);
        }

        @Override
        public void close() {
            execute(URL, USER, PASSWORD, "DROP DATABASE IF EXISTS " + database);
        }
    }
}
