package dev.eventsync.api;

import java.util.OptionalLong;

/**
 * The outcome of an accepted push. Rejections are {@link SyncError}s, raised as
 * {@link SyncErrorException}.
 */
public sealed interface PushResult {

    /**
     * The store's head after the push, when the answer says it. It is empty only for an {@link Empty} push
     * answered by a transport that does not report heads: LiveStore's sync-cf ack is a bare {@code {}}.
     */
    OptionalLong head();

    /**
     * The batch was appended.
     *
     * @param newHead    the store's head after the append: the batch's last seqNum
     * @param eventCount how many events were appended (the batch's size)
     */
    record Appended(long newHead, int eventCount) implements PushResult {
        @Override
        public OptionalLong head() {
            return OptionalLong.of(newHead);
        }
    }

    /**
     * The batch was already the log's events at those seqNums (a retry whose ack was lost): nothing
     * was appended.
     *
     * @param currentHead the store's head when the retry was recognised
     */
    record AlreadyApplied(long currentHead) implements PushResult {
        @Override
        public OptionalLong head() {
            return OptionalLong.of(currentHead);
        }
    }

    /**
     * The batch was empty: acked, nothing changed.
     *
     * @param head the store's head, or empty when the answer did not say
     */
    record Empty(OptionalLong head) implements PushResult {
        public Empty {
            java.util.Objects.requireNonNull(head, "head");
        }

        /** An empty push answered with the store's head. */
        public Empty(long head) {
            this(OptionalLong.of(head));
        }

        /** An empty push whose answer did not carry the head. */
        public static Empty headUnknown() {
            return new Empty(OptionalLong.empty());
        }
    }
}
