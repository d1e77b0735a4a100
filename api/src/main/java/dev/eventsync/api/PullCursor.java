package dev.eventsync.api;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a pull starts: it returns the events with {@code seqNum > eventSequenceNumber}. The optional
 * backendId is the one the client saw when it read up to that point; when present and different from
 * the store's, the pull fails with {@link SyncError.BackendIdMismatch} because the server has forgotten
 * the history the cursor points into.
 */
public record PullCursor(long eventSequenceNumber, Optional<String> backendId) {

    public PullCursor {
        Objects.requireNonNull(backendId, "backendId");
    }

    /** A cursor at the root: every event of the store. */
    public static PullCursor root() {
        return new PullCursor(SeqNums.ROOT, Optional.empty());
    }

    public static PullCursor after(long seqNum) {
        return new PullCursor(seqNum, Optional.empty());
    }

    public static PullCursor after(long seqNum, String backendId) {
        return new PullCursor(seqNum, Optional.of(backendId));
    }

    /** The cursor that continues after the last event of {@code page}, or this cursor if the page is empty. */
    public PullCursor advancedBy(PullPage page) {
        if (page.batch().isEmpty()) {
            return new PullCursor(eventSequenceNumber, Optional.of(page.backendId()));
        }
        return new PullCursor(page.batch().get(page.batch().size() - 1).seqNum(), Optional.of(page.backendId()));
    }
}
