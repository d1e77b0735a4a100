package dev.eventsync.core;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageUnavailableException;
import dev.eventsync.spi.storage.StoreInfo;
import java.time.Instant;
import java.util.List;

/**
 * Fault injection over a real store: it can be switched "down", failing every call like a lost
 * database, and it can hold an append's return (after the append is durable) until released, to open
 * the window between an append and its publication. {@link #beforeHead} and {@link #beforeRead} run an
 * action once at the start of the next {@code head}/{@code read} call, to interleave an administrative action (a reset)
 * with a pull's reads at an exact point.
 */
final class FlakyStore implements EventStore {

    private final EventStore delegate;
    volatile boolean down;
    volatile java.util.concurrent.CountDownLatch holdAfterAppend;
    final java.util.concurrent.Semaphore appendsDone = new java.util.concurrent.Semaphore(0);
    final java.util.concurrent.atomic.AtomicReference<Runnable> beforeHead =
            new java.util.concurrent.atomic.AtomicReference<>();
    final java.util.concurrent.atomic.AtomicReference<Runnable> beforeRead =
            new java.util.concurrent.atomic.AtomicReference<>();

    FlakyStore(EventStore delegate) {
        this.delegate = delegate;
    }

    private void check() {
        if (down) {
            throw new StorageUnavailableException("connection refused (injected)");
        }
    }

    @Override
    public long head(StoreId store) {
        check();
        Runnable action = beforeHead.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return delegate.head(store);
    }

    @Override
    public String backendId(StoreId store) {
        check();
        return delegate.backendId(store);
    }

    @Override
    public AppendResult append(StoreId store, long expectedHead, List<Event> batch, Instant createdAt) {
        check();
        AppendResult result = delegate.append(store, expectedHead, batch, createdAt);
        appendsDone.release();
        java.util.concurrent.CountDownLatch hold = holdAfterAppend;
        if (hold != null) {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StorageUnavailableException("interrupted", e);
            }
        }
        return result;
    }

    @Override
    public List<StoredEvent> read(StoreId store, long after, int limit) {
        check();
        Runnable action = beforeRead.getAndSet(null);
        if (action != null) {
            action.run();
        }
        return delegate.read(store, after, limit);
    }

    @Override
    public long countAfter(StoreId store, long after) {
        check();
        return delegate.countAfter(store, after);
    }

    @Override
    public List<StoreInfo> stores() {
        check();
        return delegate.stores();
    }

    @Override
    public void reset(StoreId store) {
        check();
        delegate.reset(store);
    }

    @Override
    public boolean delete(StoreId store) {
        check();
        return delegate.delete(store);
    }

    @Override
    public void checkHealth() {
        check();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
