package dev.eventsync.spi.storage;

import java.util.List;
import java.util.Optional;

/**
 * A storage that makes itself selectable by name: a server finds every provider on its classpath with
 * {@link java.util.ServiceLoader} (a {@code META-INF/services/dev.eventsync.spi.storage.StorageProvider} file
 * naming the class) and opens the one the {@code --storage} setting names. Adding a storage to a server is
 * putting its jar on the classpath; the server's own code does not change (Trino's connector factories and
 * Druid's PolyBind work the same way). Implementations need a public no-argument constructor and must be
 * cheap to create: nothing is opened before {@link #open}.
 */
public interface StorageProvider {

    /** The name {@code --storage} selects this storage by, for example {@code sqlite}; unique on a classpath. */
    String name();

    /** Other names {@code --storage} accepts for it, for example {@code postgresql} for {@code postgres}. */
    default List<String> aliases() {
        return List.of();
    }

    /**
     * The target this storage reads {@code setting} (the whole {@code --storage} value) as, or empty when the
     * setting is not for this storage. The default accepts {@code <name>} (an empty target) and
     * {@code <name>:<target>} for the name and every alias; a provider may also recognise settings without
     * its name, for example a JDBC URL ({@code jdbc:postgresql://...}), and fill in defaults.
     */
    default Optional<String> targetOf(String setting) {
        for (String name : names()) {
            if (setting.equalsIgnoreCase(name)) {
                return Optional.of("");
            }
            if (setting.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return Optional.of(setting.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * Opens the storage. Called once per process for the chosen provider only; the caller closes the result.
     *
     * @throws StorageUnavailableException when the storage cannot be reached
     * @throws IllegalArgumentException    when {@code options} do not describe a usable storage (a bad target)
     */
    EventStore open(StorageOptions options);

    /** How the storage at {@code target} is shown to a person, never with a secret. */
    default String describe(String target) {
        return target.isEmpty() ? name() : name() + " " + target;
    }

    /** {@link #name()} then {@link #aliases()}. */
    default List<String> names() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(name()), aliases().stream()).toList();
    }
}
