package dev.eventsync.core;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.EventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's {@link StoreChannel}s, one per store in use: acquired for the length of each push, pull and
 * administrative call, and kept after their last use among at most {@link EngineSettings#maxIdleStores()} idle
 * ones (least recently used released first; a released store's next use reads head and backendId from
 * storage again). Also the drain of shutdown: {@link #awaitIdle} waits for every admitted push.
 */
final class StoreChannels {

    private static final Logger LOG = LoggerFactory.getLogger(StoreChannels.class);

    private final EventStore storage;
    private final int maxIdleStores;
    private final ConcurrentMap<StoreId, StoreChannel> channels = new ConcurrentHashMap<>();
    /** Stores whose channel has no user, least recently used first; guarded by itself, taken after a map bin. */
    private final LinkedHashSet<StoreId> idleStores = new LinkedHashSet<>();

    StoreChannels(EventStore storage, int maxIdleStores) {
        this.storage = storage;
        this.maxIdleStores = maxIdleStores;
    }

    /**
     * The channel of {@code storeId}, counted as in use until {@link #release}: created (state read from storage on
     * first use) when the store has none. Counting happens under the map's lock for that store, so a channel is
     * never released while someone got hold of it, and two channels of one store never serve at once.
     */
    StoreChannel acquire(StoreId storeId) {
        return channels.compute(storeId, (id, existing) -> {
            StoreChannel channel = existing == null ? new StoreChannel(id, storage) : existing;
            if (channel.users.getAndIncrement() == 0) {
                synchronized (idleStores) {
                    idleStores.remove(id);
                }
            }
            return channel;
        });
    }

    /**
     * Ends one use of {@code channel}. A channel left without users joins the idle stores; past
     * {@link EngineSettings#maxIdleStores()} of them, the one idle the longest is released, unless it was taken
     * again in the meantime (or still has live pulls).
     */
    void release(StoreChannel channel) {
        channels.computeIfPresent(channel.storeId, (id, current) -> {
            if (current == channel && channel.users.decrementAndGet() == 0) {
                synchronized (idleStores) {
                    idleStores.add(id);
                }
            }
            return current;
        });
        while (true) {
            StoreId eldest;
            synchronized (idleStores) {
                if (idleStores.size() <= maxIdleStores) {
                    return;
                }
                eldest = idleStores.iterator().next();
                idleStores.remove(eldest);
            }
            channels.computeIfPresent(eldest, (id, current) ->
                    current.users.get() == 0 && current.liveCount() == 0 ? null : current);
        }
    }

    /**
     * Runs {@code work} with the channel of {@code storeId} acquired, and releases it when the returned stage
     * completes, or at once when {@code work} throws (the exception is rethrown).
     */
    <T> CompletionStage<T> using(StoreId storeId, Function<StoreChannel, CompletionStage<T>> work) {
        StoreChannel channel = acquire(storeId);
        try {
            return work.apply(channel).whenComplete((r, f) -> release(channel));
        } catch (RuntimeException e) {
            release(channel);
            throw e;
        }
    }

    /** The channel of {@code storeId} if this node holds one now, else null; acquires nothing. */
    StoreChannel held(StoreId storeId) {
        return channels.get(storeId);
    }

    /** A live view of every channel held now. */
    Collection<StoreChannel> all() {
        return channels.values();
    }

    /** The number of stores held in memory now (in use, or among the idle ones kept). */
    int size() {
        return channels.size();
    }

    /** Live pulls registered now, over all stores. */
    int liveCount() {
        int n = 0;
        for (StoreChannel channel : channels.values()) {
            n += channel.liveCount();
        }
        return n;
    }

    /**
     * Waits up to {@code grace} until every push queued on any channel so far has finished; logs and returns
     * when the grace runs out (or the thread is interrupted, whose flag is set again).
     */
    void awaitIdle(Duration grace) {
        List<CompletableFuture<Void>> idle = new ArrayList<>();
        channels.values().forEach(channel -> idle.add(channel.idle()));
        try {
            CompletableFuture.allOf(idle.toArray(CompletableFuture[]::new)).get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("pushes still running after {}; stopping anyway", grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warn("waiting for pushes failed", e);
        }
    }
}
