package dev.eventsync.core;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncLimits;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The pulls open on this node: each holds its store's channel ({@link StoreChannels}) from its subscription
 * until it ends, and releases it exactly once; each is listed here meanwhile, for the administration's status
 * and for {@link Shutdown}, which ends them all.
 */
final class OpenPulls {

    private final Set<PullSubscription> pulls = ConcurrentHashMap.newKeySet();
    private final StoreChannels channels;
    private final SyncLimits limits;
    private final Execution execution;

    OpenPulls(StoreChannels channels, SyncLimits limits, Execution execution) {
        this.channels = channels;
        this.limits = limits;
        this.execution = execution;
    }

    /**
     * A pull of {@code storeId} from after seqNum {@code after}; each subscriber gets its own subscription, which
     * reads pages through a new source from {@code source} and, when {@code live}, then follows the store. A
     * subscriber that arrives after shutdown began is failed with {@code Unavailable}.
     */
    Flow.Publisher<PullPage> open(StoreId storeId, Supplier<PullSubscription.PageSource> source, boolean live, long after) {
        return subscriber -> {
            StoreChannel channel = channels.acquire(storeId);
            PullSubscription[] self = new PullSubscription[1];
            AtomicBoolean released = new AtomicBoolean();
            PullSubscription subscription = new PullSubscription(subscriber, channel, source.get(), limits, live,
                    after, () -> {
                        pulls.remove(self[0]);
                        if (released.compareAndSet(false, true)) {
                            channels.release(channel);
                        }
                    });
            self[0] = subscription;
            pulls.add(subscription);
            subscriber.onSubscribe(subscription);
            if (execution.closed()) {
                subscription.fail(Execution.shuttingDown());
            }
        };
    }

    /** A live, unmodifiable view of the open pulls. */
    Collection<PullSubscription> view() {
        return Collections.unmodifiableSet(pulls);
    }

    /** Ends every open pull with {@code error}. */
    void failAll(SyncError error) {
        for (PullSubscription pull : List.copyOf(pulls)) {
            pull.fail(error);
        }
    }
}
