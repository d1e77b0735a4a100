package dev.eventsync.core;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.ChangeFeed;
import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays appends made by other nodes sharing the storage ({@link ChangeFeed}) to this node's live pulls: a
 * notification queues a {@link StoreChannel#syncFromStorage} on the store's admission queue, so that
 * publication stays in seqNum order with this node's own pushes. Notifications for stores nobody on this node
 * follows are dropped; a {@link ChangeFeed.Listener#resync()} re-reads every followed store.
 */
final class FeedRelay implements ChangeFeed.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(FeedRelay.class);

    private final Function<StoreId, StoreChannel> followed;
    private final Collection<StoreChannel> channels;
    private final Execution execution;
    private final int readBatchSize;

    /**
     * @param followed the channel of a store this node follows, or null
     * @param channels a live view of every followed store's channel
     */
    FeedRelay(Function<StoreId, StoreChannel> followed, Collection<StoreChannel> channels, Execution execution,
              int readBatchSize) {
        this.followed = followed;
        this.channels = channels;
        this.execution = execution;
        this.readBatchSize = readBatchSize;
    }

    @Override
    public void appended(StoreId storeId, long head) {
        StoreChannel channel = followed.apply(storeId);
        if (channel == null || execution.closed() || head <= channel.publishedHead()) {
            return; // nobody on this node follows the store, or it is already published
        }
        syncLater(channel);
    }

    @Override
    public void resync() {
        if (!execution.closed()) {
            channels.forEach(this::syncLater);
        }
    }

    /** Another node reset the store: the sync sees the new backendId and ends the store's live pulls here. */
    @Override
    public void reset(StoreId storeId) {
        StoreChannel channel = followed.apply(storeId);
        if (channel != null && !execution.closed()) {
            syncLater(channel);
        }
    }

    /**
     * Queues a {@link StoreChannel#syncFromStorage} on the store's serial queue, unless one is queued and
     * not started yet (it will see everything this one would).
     */
    void syncLater(StoreChannel channel) {
        if (execution.closed() || !channel.syncQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.serially(() -> Execution.guarded(() -> {
                channel.syncQueued.set(false);
                execution.checkRunning();
                channel.syncFromStorage(readBatchSize);
                return null;
            }), execution.executorWhileClosing()).exceptionally(failure -> {
                channel.syncQueued.set(false);
                LOG.warn("store {}: publishing appends from other nodes failed: {}", channel.storeId,
                        Execution.describe(failure));
                return null;
            });
        } catch (RejectedExecutionException e) {
            channel.syncQueued.set(false);
            LOG.warn("store {}: workers busy; appends from other nodes will be published with the next push",
                    channel.storeId);
        }
    }
}
