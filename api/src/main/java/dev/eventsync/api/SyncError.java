package dev.eventsync.api;

import java.util.Objects;

/**
 * Every way a push, pull or ping can be refused, as typed values. Each error's {@link #message()}
 * says what was wrong and what the caller can do about it.
 *
 * <p>On the LiveStore wire, {@link ServerAhead} and {@link BackendIdMismatch} have their own tags
 * ({@code ServerAheadError}, {@code BackendIdMismatchError}); every other error travels as
 * {@code UnknownError} with the message as its note, because the LiveStore client has no richer type.
 */
public sealed interface SyncError {

    /** A stable machine-readable code, for logs and metrics. */
    String code();

    /** What was wrong and what the caller can do. */
    String message();

    /**
     * The push does not extend the store's head. The client must pull the events it lacks, rebase
     * its own events on top of them, and push again.
     *
     * @param minimumExpectedNum the store's head: the parentSeqNum the batch had to start from
     * @param providedNum        the parentSeqNum of the batch's first event
     */
    record ServerAhead(long minimumExpectedNum, long providedNum) implements SyncError {
        @Override
        public String code() {
            return "server_ahead";
        }

        @Override
        public String message() {
            return "push rejected: the batch starts at parentSeqNum " + providedNum + " but the store's head is "
                    + minimumExpectedNum + "; pull the missing events, rebase and push again";
        }
    }

    /**
     * The client knows the store under another backendId: the server lost or reset the history the
     * client built on. The client should reset its local copy (LiveStore's onBackendIdMismatch).
     */
    record BackendIdMismatch(String expected, String received) implements SyncError {
        public BackendIdMismatch {
            Objects.requireNonNull(expected, "expected");
            Objects.requireNonNull(received, "received");
        }

        @Override
        public String code() {
            return "backend_id_mismatch";
        }

        @Override
        public String message() {
            return "backendId mismatch: the store's backendId is '" + expected + "' but the client sent '" + received
                    + "'; the store was reset or replaced, so the client must discard its synced state and pull again";
        }
    }

    /**
     * The batch is malformed. {@code index} is the offending event's position in the batch, or -1 when
     * the problem is the batch as a whole.
     */
    record InvalidBatch(int index, String reason) implements SyncError {
        public InvalidBatch {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String code() {
            return "invalid_batch";
        }

        @Override
        public String message() {
            return (index >= 0 ? "invalid batch at event #" + index + ": " : "invalid batch: ") + reason
                    + "; nothing was appended";
        }
    }

    /** The pull cursor is impossible for this store (negative, or beyond its head). */
    record InvalidCursor(String reason) implements SyncError {
        public InvalidCursor {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String code() {
            return "invalid_cursor";
        }

        @Override
        public String message() {
            return "invalid cursor: " + reason;
        }
    }

    /** A request is malformed in a way that has nothing to do with events: bad store id, bad frame. */
    record InvalidRequest(String reason) implements SyncError {
        public InvalidRequest {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String code() {
            return "invalid_request";
        }

        @Override
        public String message() {
            return "invalid request: " + reason;
        }
    }

    /** The request exceeds a configured limit ({@code limit} names it, for example {@code maxPushEvents}). */
    record LimitExceeded(String limit, long allowed, long actual) implements SyncError {
        public LimitExceeded {
            Objects.requireNonNull(limit, "limit");
        }

        @Override
        public String code() {
            return "limit_exceeded";
        }

        @Override
        public String message() {
            return "limit exceeded: " + limit + " is " + allowed + " but the request has " + actual
                    + "; split it into smaller requests";
        }
    }

    /** The caller may not use this store. */
    record Unauthorized(String reason) implements SyncError {
        public Unauthorized {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String code() {
            return "unauthorized";
        }

        @Override
        public String message() {
            return "unauthorized: " + reason;
        }
    }

    /** A server-side hook refused one event of the batch; the whole batch was refused with it. */
    record Rejected(int index, long seqNum, String eventName, String reason) implements SyncError {
        public Rejected {
            Objects.requireNonNull(eventName, "eventName");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String code() {
            return "rejected";
        }

        @Override
        public String message() {
            return "event #" + index + " '" + eventName + "' (seqNum " + seqNum + ") was rejected: " + reason
                    + "; nothing of the batch was appended";
        }
    }

    /** The server cannot serve the request now (storage down, shutting down); retrying later may work. */
    record Unavailable(String reason) implements SyncError {
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String code() {
            return "unavailable";
        }

        @Override
        public String message() {
            return "unavailable: " + reason + "; retry later";
        }
    }

    /** The server failed with an error it did not type (for example a foreign server's UnknownError). */
    record Unknown(String reason) implements SyncError {
        public Unknown {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String code() {
            return "unknown";
        }

        @Override
        public String message() {
            return "server error: " + reason;
        }
    }
}
