package dev.eventsync.jdbc;

import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageOptions;
import dev.eventsync.spi.storage.StorageProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The storages of this module as {@code --storage} names them, found by a server through
 * {@link java.util.ServiceLoader}: {@code sqlite} ({@code sqlite}, {@code sqlite:<path>}, {@code jdbc:sqlite:...}),
 * {@code postgres} ({@code postgres} for {@value #DEFAULT_POSTGRES_URL}, {@code jdbc:postgresql://...}) and
 * {@code mariadb} ({@code mariadb} for {@value #DEFAULT_MARIADB_URL}, {@code jdbc:mariadb://...},
 * {@code jdbc:mysql://...}). Each opens a {@link JdbcEventStore} with the configured credentials and pool size.
 */
public final class JdbcStorageProviders {

    /** The SQLite file of a server started without settings. */
    public static final String DEFAULT_SQLITE_FILE = "./eventsync-data/eventsync.db";
    public static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    public static final String DEFAULT_MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";

    private JdbcStorageProviders() {
    }

    /** What the three share: the JDBC URL prefixes they recognise, and opening a pooled store. */
    private abstract static class JdbcProvider implements StorageProvider {
        private final String name;
        private final List<String> aliases;
        private final String defaultUrl;
        private final List<String> urlPrefixes;

        JdbcProvider(String name, List<String> aliases, String defaultUrl, List<String> urlPrefixes) {
            this.name = name;
            this.aliases = aliases;
            this.defaultUrl = defaultUrl;
            this.urlPrefixes = urlPrefixes;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public List<String> aliases() {
            return aliases;
        }

        @Override
        public Optional<String> targetOf(String setting) {
            String lower = setting.toLowerCase(Locale.ROOT);
            for (String prefix : urlPrefixes) {
                if (lower.startsWith(prefix)) {
                    return Optional.of(setting);
                }
            }
            for (String name : names()) {
                if (setting.equalsIgnoreCase(name)) {
                    return Optional.of(defaultUrl); // a bare name: the local default
                }
            }
            return StorageProvider.super.targetOf(setting); // "<name>:<target>", the target as given (maybe empty)
        }

        @Override
        public EventStore open(StorageOptions options) {
            JdbcSettings settings = JdbcSettings.of(options.target()).withMaximumPoolSize(options.poolSize())
                    .withChangeFeedInterval(options.changeFeedInterval());
            if (options.user().isPresent()) {
                settings = settings.withCredentials(options.user().get(), options.password().orElse(""));
            }
            return JdbcEventStore.open(settings);
        }

        @Override
        public String describe(String target) {
            return name + " " + target.replaceAll("(?i)(password=)[^&;]*", "$1***");
        }
    }

    /** {@code --storage sqlite[:<path>]}: one file, WAL mode; its directory is created when missing. */
    public static final class Sqlite extends JdbcProvider {
        private static final String URL_PREFIX = "jdbc:sqlite:";

        public Sqlite() {
            super("sqlite", List.of(), URL_PREFIX + DEFAULT_SQLITE_FILE, List.of(URL_PREFIX));
        }

        /**
         * The JDBC URL of an SQLite setting, which must name a file: an empty path and in-memory databases
         * ({@code :memory:}, {@code file::memory:}, {@code mode=memory}) are refused, because each pooled
         * connection would open its own private database (pushes would fail and pulls disagree).
         */
        @Override
        public Optional<String> targetOf(String setting) {
            Optional<String> url = super.targetOf(setting).map(t -> t.regionMatches(true, 0, URL_PREFIX, 0,
                    URL_PREFIX.length()) ? t : URL_PREFIX + t);
            url.ifPresent(u -> requireFile(u.substring(URL_PREFIX.length())));
            return url;
        }

        private static void requireFile(String path) {
            String lower = path.trim().toLowerCase(Locale.ROOT);
            String fix = "; give a file, for example --storage sqlite:" + DEFAULT_SQLITE_FILE
                    + ", or use --storage memory for a store that is not kept";
            if (lower.isEmpty() || lower.equals("file:")) {
                throw new IllegalArgumentException("no SQLite file path" + fix);
            }
            if (lower.equals(":memory:") || lower.startsWith("file::memory:") || lower.contains("mode=memory")
                    || lower.startsWith(":memory:?")) {
                throw new IllegalArgumentException("an in-memory SQLite database, which each pooled connection would"
                        + " open privately (pushes would fail and pulls disagree)" + fix);
            }
        }

        @Override
        public EventStore open(StorageOptions options) {
            Path parent = file(options.target()).toAbsolutePath().getParent();
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data directory " + parent + ": " + e.getMessage()
                        + "; choose a writable place with --storage sqlite:<path>", e);
            }
            return super.open(options);
        }

        @Override
        public String describe(String target) {
            return "sqlite " + file(target).toAbsolutePath().normalize();
        }

        private static Path file(String url) {
            return Path.of(url.substring(URL_PREFIX.length()));
        }
    }

    /** {@code --storage postgres} or a {@code jdbc:postgresql:} URL: PostgreSQL 12+, several nodes. */
    public static final class Postgres extends JdbcProvider {
        public Postgres() {
            super("postgres", List.of("postgresql"), DEFAULT_POSTGRES_URL, List.of("jdbc:postgresql:"));
        }
    }

    /** {@code --storage mariadb} or a {@code jdbc:mariadb:} / {@code jdbc:mysql:} URL: MariaDB 10.6+, MySQL 8. */
    public static final class MariaDb extends JdbcProvider {
        public MariaDb() {
            super("mariadb", List.of("mysql"), DEFAULT_MARIADB_URL, List.of("jdbc:mariadb:", "jdbc:mysql:"));
        }
    }
}
