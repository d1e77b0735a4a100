package dev.eventsync.spi.storage;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a server tells a {@link StorageProvider} when it opens the storage.
 *
 * @param target   where the storage is, as {@link StorageProvider#targetOf} read it from the setting (a file
 *                 path, a URL; empty when the storage needs none)
 * @param user     the database user, when one is configured ({@code --db-user})
 * @param password the database password, when one is configured ({@code --db-password})
 * @param poolSize the most connections the storage may open ({@code --db-pool-size}), for storages that pool
 * @param changeFeedInterval how often a storage shared by several processes, without notifications of its own,
 *                 looks for appends made by the others ({@code --change-feed-interval})
 */
public record StorageOptions(String target, Optional<String> user, Optional<String> password, int poolSize,
                             Duration changeFeedInterval) {

    /** The change feed interval unless configured otherwise. */
    public static final Duration DEFAULT_CHANGE_FEED_INTERVAL = Duration.ofMillis(500);

    public StorageOptions {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(changeFeedInterval, "changeFeedInterval");
        if (poolSize <= 0) {
            throw new IllegalArgumentException("poolSize must be positive, got " + poolSize);
        }
    }

    /** Options with just a target. */
    public static StorageOptions of(String target) {
        return new StorageOptions(target, Optional.empty(), Optional.empty(), 10, DEFAULT_CHANGE_FEED_INTERVAL);
    }
}
