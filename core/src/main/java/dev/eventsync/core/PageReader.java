package dev.eventsync.core;

import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PushRules;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.transport.CallContext;
import java.util.List;
import java.util.Optional;

/**
 * Reads the pages of one pull from storage: on the first read it authenticates the caller and checks the
 * cursor (non-negative, the store's backendId, not beyond the head); every read cuts one page by
 * {@link SizedEvent#fitting} and counts the events after it exactly.
 */
final class PageReader implements PullSubscription.PageSource {

    private final EventStore storage;
    private final SyncLimits limits;
    private final Hooks hooks;
    private final Execution execution;
    private final FeedRelay relay;
    private final CallContext context;
    private final Optional<PullCursor> cursor;
    /** The admin API's tails: the operator was authenticated by the admin API, not by the authenticators. */
    private final boolean trusted;

    PageReader(EventStore storage, SyncLimits limits, Hooks hooks, Execution execution, FeedRelay relay,
               CallContext context, Optional<PullCursor> cursor, boolean trusted) {
        this.storage = storage;
        this.limits = limits;
        this.hooks = hooks;
        this.execution = execution;
        this.relay = relay;
        this.context = context;
        this.cursor = cursor;
        this.trusted = trusted;
    }

    @Override
    public CallContext context() {
        return context;
    }

    @Override
    public PullSubscription.ReadResult read(PullSubscription subscription, boolean first, long after) {
        return Execution.guarded(() -> {
            execution.checkRunning();
            StoreChannel channel = subscription.channel();
            // the backendId this read serves: checked against the cursor (first read) or the pull's (later reads)
            String served;
            if (first) {
                if (!trusted) {
                    hooks.authenticate(context); // before storage is touched
                }
                channel.ensureInitialized();
                String stored = storage.backendId(channel.storeId);
                if (!stored.equals(channel.backendId())) {
                    // storage was reset (by this node a moment ago, or by another node) before this node applied it
                    relay.syncLater(channel);
                    cursorFromAnotherBackend(stored).ifPresent(Execution::raise);
                    Execution.raise(new SyncError.Unavailable("the store was just reset; pull again"));
                }
                served = checkCursor(channel);
            } else {
                channel.ensureInitialized();
                served = subscription.backendId();
                if (!channel.backendId().equals(served)) {
                    Execution.raise(new SyncError.BackendIdMismatch(channel.backendId(), served));
                }
            }
            List<StoredEvent> read = storage.read(channel.storeId, after, limits.maxPullEvents());
            if (!channel.backendId().equals(served)) {
                // reset while reading: these rows may belong to the new log, never serve them as the old one's;
                // a client that named no backendId yet has nothing to reset and just pulls again
                if (first && cursor.flatMap(PullCursor::backendId).isEmpty()) {
                    Execution.raise(new SyncError.Unavailable("the store was just reset; pull again"));
                }
                Execution.raise(new SyncError.BackendIdMismatch(channel.backendId(), served));
            }
            if (read.isEmpty() && after < channel.publishedHead()) {
                // storage is behind what this node published: the store was reset by another node
                relay.syncLater(channel);
            }
            int n = SizedEvent.fitting(SizedEvent.ofAll(read), limits.maxPullEvents(), limits.maxPullBytes());
            List<StoredEvent> page = read.subList(0, n);
            long remaining;
            if (n == 0 || (n == read.size() && read.size() < limits.maxPullEvents())) {
                remaining = 0; // nothing read, or the read found the end of the log
            } else {
                remaining = storage.countAfter(channel.storeId, page.get(n - 1).seqNum());
            }
            return new PullSubscription.ReadResult(List.copyOf(page), remaining, served);
        });
    }

    /**
     * Checks the cursor of a first read against the store and returns the backendId the pull serves. A store
     * reset concurrently (between the backendId check and the head read) empties the log: the client must
     * then hear of the reset ({@code BackendIdMismatch}), not that its cursor is beyond the head.
     */
    private String checkCursor(StoreChannel channel) {
        String backendId = channel.backendId();
        if (cursor.isEmpty()) {
            return backendId;
        }
        PullCursor c = cursor.get();
        if (c.eventSequenceNumber() < 0) {
            Execution.raise(new SyncError.InvalidCursor("eventSequenceNumber must be non-negative, got "
                    + c.eventSequenceNumber()));
        }
        PushRules.checkBackendId(c.backendId(), backendId).ifPresent(Execution::raise);
        long head = storage.head(channel.storeId);
        if (c.eventSequenceNumber() > head) {
            String stored = storage.backendId(channel.storeId);
            if (!stored.equals(backendId)) {
                relay.syncLater(channel);
                cursorFromAnotherBackend(stored).ifPresent(Execution::raise);
                Execution.raise(new SyncError.Unavailable("the store was just reset; pull again"));
            }
            Execution.raise(new SyncError.InvalidCursor("the cursor is at " + c.eventSequenceNumber()
                    + " but the store's head is " + head
                    + "; the server does not have the history the client claims, so the client must reset"));
        }
        return backendId;
    }

    /** The mismatch to answer when the cursor names a backendId other than the one storage now holds. */
    private Optional<SyncError> cursorFromAnotherBackend(String stored) {
        return cursor.flatMap(c -> PushRules.checkBackendId(c.backendId(), stored));
    }

    @Override
    public void execute(Runnable task) {
        execution.executor().execute(task);
    }
}
