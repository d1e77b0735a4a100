package dev.eventsync.spi.storage;

/**
 * The storage cannot be reached or cannot serve now (database down, pool exhausted, disk full). The
 * operation had no effect, or, for an append, its effect is unknown only in the sense that a retry will
 * find out: a committed append is visible to the next read and makes the retry an idempotent no-op.
 */
public class StorageUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StorageUnavailableException(String message) {
        super(message);
    }
}
