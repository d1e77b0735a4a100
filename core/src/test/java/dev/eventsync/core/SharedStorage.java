package dev.eventsync.core;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.ChangeFeed;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One real in-memory storage shared by several "nodes", each with a change feed that announces the
 * appends of the other nodes on the feed's own thread, the way a database's notifications would.
 * Announcements can be muted (lost) and then followed by a resync, as after a dropped connection.
 */
final class SharedStorage implements AutoCloseable {

    private final InMemoryEventStore storage = new InMemoryEventStore();
    private final List<Node> nodes = new CopyOnWriteArrayList<>();

    Node node() {
        Node node = new Node();
        nodes.add(node);
        return node;
    }

    InMemoryEventStore storage() {
        return storage;
    }

    @Override
    public void close() {
        nodes.forEach(node -> node.feedThread.shutdownNow());
    }

    /** One node's view: the shared storage plus a feed of the other nodes' appends. */
    final class Node implements EventStore, ChangeFeed {
        private final List<Listener> listeners = new CopyOnWriteArrayList<>();
        private final ExecutorService feedThread = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "test-change-feed");
            thread.setDaemon(true);
            return thread;
        });
        volatile boolean muted;

        /** Tells this node's listeners that notifications may have been lost. */
        void resync() {
            feedThread.execute(() -> listeners.forEach(Listener::resync));
        }

        private void announce(StoreId store, long head) {
            if (!muted) {
                feedThread.execute(() -> listeners.forEach(listener -> listener.appended(store, head)));
            }
        }

        @Override
        public AutoCloseable subscribe(Listener listener) {
            listeners.add(listener);
            return () -> listeners.remove(listener);
        }

        @Override
        public Optional<ChangeFeed> changeFeed() {
            return Optional.of(this);
        }

        @Override
        public AppendResult append(StoreId store, long expectedHead, List<Event> batch, Instant createdAt) {
            AppendResult result = storage.append(store, expectedHead, batch, createdAt);
            if (result instanceof AppendResult.Appended appended) {
                for (Node other : nodes) {
                    if (other != this) {
                        other.announce(store, appended.head());
                    }
                }
            }
            return result;
        }

        @Override
        public long head(StoreId store) {
            return storage.head(store);
        }

        @Override
        public String backendId(StoreId store) {
            return storage.backendId(store);
        }

        @Override
        public List<StoredEvent> read(StoreId store, long after, int limit) {
            return storage.read(store, after, limit);
        }

        @Override
        public long countAfter(StoreId store, long after) {
            return storage.countAfter(store, after);
        }

        @Override
        public List<StoreInfo> stores() {
            return storage.stores();
        }

        @Override
        public void reset(StoreId store) {
            storage.reset(store);
        }

        @Override
        public boolean delete(StoreId store) {
            return storage.delete(store);
        }

        @Override
        public void checkHealth() {
            storage.checkHealth();
        }

        @Override
        public void close() {
            feedThread.shutdownNow();
        }
    }
}
