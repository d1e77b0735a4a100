package dev.eventsync.server;

import dev.eventsync.spi.storage.StorageProvider;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The storage a server runs on, as the {@code --storage} setting names it. The storages on the classpath say
 * which settings are theirs ({@link StorageProvider#targetOf}): {@code memory}, {@code sqlite:<path>}, a JDBC URL
 * ({@code jdbc:postgresql://...}, {@code jdbc:mariadb://...}, {@code jdbc:mysql://...}, {@code jdbc:sqlite:...}),
 * a bare database name ({@code postgres}, {@code mariadb}) for a local server, or the name of any other storage
 * whose jar is on the classpath. A setting no storage claims is read as {@code <name>[:<target>]}, which the
 * server refuses as an unknown storage unless a deployment added one by that name.
 *
 * @param kind   the storage's name: the {@link StorageProvider#name()} that claimed the setting
 * @param target where, as that storage reads it: a JDBC URL for the JDBC storages; empty for {@code memory}
 */
public record StorageSpec(String kind, String target) {

    /** The SQLite file of a server started without settings (the server's default is {@code sqlite:} this file). */
    public static final String DEFAULT_SQLITE_FILE = "./eventsync-data/eventsync.db";

    public StorageSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
    }

    /**
     * Reads a {@code --storage} setting with the storages on the classpath. A setting its storage refuses (for
     * example an SQLite setting without a file, or an in-memory SQLite database, which each pooled connection
     * would open privately) is a {@link ConfigurationException} with the storage's reason.
     */
    public static StorageSpec parse(String setting) {
        String s = setting.trim();
        for (StorageProvider provider : onClasspath()) {
            Optional<String> target;
            try {
                target = provider.targetOf(s);
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException("--storage " + s + ": " + e.getMessage(), e);
            }
            if (target.isPresent()) {
                return new StorageSpec(provider.name(), target.get());
            }
        }
        int colon = s.indexOf(':');
        return new StorageSpec(colon > 0 ? s.substring(0, colon) : s, colon > 0 ? s.substring(colon + 1) : "");
    }

    /** How the storage is shown to a person: never with a password. */
    public String describe() {
        for (StorageProvider provider : onClasspath()) {
            if (provider.name().equals(kind)) {
                return provider.describe(target);
            }
        }
        return target.isEmpty() ? kind : kind + " " + target.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    /** Every {@link StorageProvider} on the classpath, in classpath order. */
    static List<StorageProvider> onClasspath() {
        return ServiceLoader.load(StorageProvider.class, StorageSpec.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).toList();
    }
}
