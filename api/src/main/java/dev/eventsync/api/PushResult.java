package dev.eventsync.api;

/**
 * The outcome of an accepted push. Rejections are {@link SyncError}s, raised as
 * {@link SyncErrorException}.
 */
public sealed interface PushResult {

    /** The store's head after the push. */
    long head();

    /** The batch was appended; {@code head} is its last seqNum. */
    record Appended(long head, int events) implements PushResult {
    }

    /**
     * The batch was already the log's events at those seqNums (a retry whose ack was lost): nothing
     * was appended.
     */
    record AlreadyApplied(long head) implements PushResult {
    }

    /** The batch was empty: acked, nothing changed. */
    record Empty(long head) implements PushResult {
    }
}
