package dev.eventsync.api;

/**
 * The outcome of an accepted push. Rejections are {@link SyncError}s, raised as
 * {@link SyncErrorException}.
 */
public sealed interface PushResult {

    /**
     * The head a client reports when its transport does not say: LiveStore's sync-cf ack is a bare
     * {@code {}}, so a client of a server that sends nothing more reports an empty push as
     * {@code Empty(UNKNOWN_HEAD)}.
     */
    long UNKNOWN_HEAD = -1;

    /** The store's head after the push, or {@link #UNKNOWN_HEAD}. */
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
