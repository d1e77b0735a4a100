package dev.eventsync.server;

import java.util.Locale;
import java.util.Objects;

/**
 * The storage a server runs on, as the {@code --storage} setting names it: {@code memory},
 * {@code sqlite:<path>}, a JDBC URL ({@code jdbc:postgresql://...}, {@code jdbc:mariadb://...},
 * {@code jdbc:mysql://...}, {@code jdbc:sqlite:...}), or a bare database name ({@code postgres},
 * {@code mariadb}) for a local server with its default URL.
 *
 * @param kind   the storage's name, the key of its binding ({@code memory}, {@code sqlite}, {@code postgres},
 *               {@code mariadb}, or one a deployment added)
 * @param target where: a file path or JDBC URL; empty for {@code memory}
 */
public record StorageSpec(String kind, String target) {

    /** The SQLite file of a server started without settings. */
    public static final String DEFAULT_SQLITE_FILE = "./eventsync-data/eventsync.db";
    public static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    public static final String DEFAULT_MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/test";

    public StorageSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
    }

    /**
     * Parses a {@code --storage} setting. An SQLite setting must name a file: an empty path and in-memory
     * SQLite databases ({@code :memory:}, {@code file::memory:}, {@code mode=memory}) are refused with a
     * {@link ConfigurationException}, because each pooled connection would open its own private database.
     */
    public static StorageSpec parse(String setting) {
        StorageSpec spec = parseUnchecked(setting);
        if (spec.kind().equals("sqlite")) {
            requireSqliteFile(setting, spec.target().substring("jdbc:sqlite:".length()));
        }
        return spec;
    }

    private static void requireSqliteFile(String setting, String path) {
        String lower = path.trim().toLowerCase(Locale.ROOT);
        String fix = "; give a file, for example --storage sqlite:./eventsync-data/eventsync.db, or use --storage memory"
                + " for a store that is not kept";
        if (lower.isEmpty() || lower.equals("file:")) {
            throw new ConfigurationException("--storage " + setting.trim() + " has no SQLite file path" + fix);
        }
        if (lower.equals(":memory:") || lower.startsWith("file::memory:") || lower.contains("mode=memory")
                || lower.startsWith(":memory:?")) {
            throw new ConfigurationException("--storage " + setting.trim() + " is an in-memory SQLite database, which"
                    + " each pooled connection would open privately (pushes would fail and pulls disagree)" + fix);
        }
    }

    private static StorageSpec parseUnchecked(String setting) {
        String s = setting.trim();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("memory")) {
            return new StorageSpec("memory", "");
        }
        if (lower.equals("sqlite")) {
            return new StorageSpec("sqlite", "jdbc:sqlite:" + DEFAULT_SQLITE_FILE);
        }
        if (lower.startsWith("sqlite:")) {
            return new StorageSpec("sqlite", "jdbc:sqlite:" + s.substring("sqlite:".length()));
        }
        if (lower.equals("postgres") || lower.equals("postgresql")) {
            return new StorageSpec("postgres", DEFAULT_POSTGRES_URL);
        }
        if (lower.equals("mariadb") || lower.equals("mysql")) {
            return new StorageSpec("mariadb", DEFAULT_MARIADB_URL);
        }
        if (lower.startsWith("jdbc:sqlite:")) {
            return new StorageSpec("sqlite", s);
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            return new StorageSpec("postgres", s);
        }
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            return new StorageSpec("mariadb", s);
        }
        int colon = s.indexOf(':');
        return new StorageSpec(colon > 0 ? s.substring(0, colon) : s, colon > 0 ? s.substring(colon + 1) : "");
    }

    /** How the storage is shown to a person: never with a password. */
    public String describe() {
        return switch (kind) {
            case "memory" -> "memory (nothing is kept after the process ends)";
            case "sqlite" -> "sqlite " + java.nio.file.Path.of(target.substring("jdbc:sqlite:".length()))
                    .toAbsolutePath().normalize();
            default -> kind + " " + target.replaceAll("(?i)(password=)[^&;]*", "$1***");
        };
    }
}
