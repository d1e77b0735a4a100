package dev.eventsync.spi.storage;

import dev.eventsync.api.StoreId;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * How a storage names its stores' backendIds so that reads never create a store (see {@link EventStore}).
 *
 * <p>A store that was never written already has the backendId it will get when its first append creates
 * it: {@link #forNewStore} derives it from the storage's {@linkplain #newStorageKey() key}, a random value
 * made once per storage (per database, kept with the data) and the store id. So a pull of an unknown
 * store answers with a backendId that stays valid after another client's first push creates the store
 * (LiveStore's client keeps the backendId of its first pull and sends it with its pushes), while a wiped
 * or different storage (a new key) still gives every store a different backendId, which is how clients
 * detect a lost history. {@link EventStore#reset} gives a store a {@link #random()} id instead, so that
 * clients notice the reset, and {@link EventStore#delete} counts the store's deletions, which enter the
 * derivation, so that a deleted store used again gets a new backendId too. {@link Unwritten} keeps the key
 * and the counts for a storage that lives in one process.
 */
public final class BackendIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int BYTES = 16;

    private BackendIds() {
    }

    /** A new random storage key (128 bits, base64url). */
    public static String newStorageKey() {
        return random();
    }

    /** A new random backendId (128 bits, base64url), for a store that is reset. */
    public static String random() {
        byte[] bytes = new byte[BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@link #forNewStore(String, StoreId, long)} of a store that was never deleted. */
    public static String forNewStore(String storageKey, StoreId store) {
        return forNewStore(storageKey, store, 0);
    }

    /**
     * The backendId of {@code store} before it is first written (after {@code deletions} deletions), and
     * from its creation until its first reset: the first 128 bits of SHA-256 over the storage key, the store
     * id and, when the store was deleted before, the number of deletions; base64url.
     */
    public static String forNewStore(String storageKey, StoreId store, long deletions) {
        Objects.requireNonNull(storageKey, "storageKey");
        Objects.requireNonNull(store, "store");
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(storageKey.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(store.value().getBytes(StandardCharsets.UTF_8));
            if (deletions > 0) {
                sha.update((byte) 0);
                sha.update(Long.toString(deletions).getBytes(StandardCharsets.UTF_8));
            }
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(sha.digest(), BYTES));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /**
     * The backendIds of stores not written yet, for a storage that lives in one process: a random key made
     * with the instance and the number of deletions per deleted store. Thread-safe.
     */
    public static final class Unwritten {
        private final String storageKey = newStorageKey();
        private final java.util.concurrent.ConcurrentMap<StoreId, Long> deletions =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** The backendId {@code store} has until it is written, and keeps when its first append creates it. */
        public String backendIdOf(StoreId store) {
            return forNewStore(storageKey, store, deletions.getOrDefault(store, 0L));
        }

        /** Records that {@code store} was deleted, so that its next life gets another backendId. */
        public void deleted(StoreId store) {
            deletions.merge(store, 1L, Long::sum);
        }
    }
}
