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

    public static StorageSpec parse(String setting) {
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
