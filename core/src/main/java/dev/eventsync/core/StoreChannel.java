package dev.eventsync.core;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.spi.storage.EventStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's state for one store on this node: the push admission queue, the head this node has
 * published, and the live pulls.
 *
 * <p><b>Admission.</b> Tasks given to {@link #serially} run one after another on the worker pool, never
 * two at once, without holding a thread while they wait. Pushes and the publication of appends made by
 * other nodes run there, so publication happens in seqNum order.
 *
 * <p><b>No gap, no duplicate.</b> Every append is published after it is durable, by the serial queue,
 * and {@code publishedHead} moves with each publication under {@code lock}. A pull goes live only under
 * the same lock, and only once it has delivered everything up to {@code publishedHead}; from then on it
 * receives every later publication. Events it already read from storage are dropped by its own
 * watermark, so the backlog and the live stream meet without a gap and without a duplicate.
 */
final class StoreChannel {

    private static final Logger LOG = LoggerFactory.getLogger(StoreChannel.class);

    final StoreId storeId;
    private final EventStore storage;
    /**
     * Pushes, pulls and administrative calls using this channel ({@code SyncEngine} counts them, and releases the
     * channel only while there are none).
     */
    final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger();

    private final Object lock = new Object();
    private boolean initialized;
    private long publishedHead;
    private String backendId;
    private final Set<PullSubscription> live = new LinkedHashSet<>();
    /**
     * The client id last pushed from each peer address (a WebSocket connection's address is its own), so that
     * the admin API can name the client behind a pull: LiveStore's pull requests carry no client id.
     */
    private final Map<String, String> clientsByRemote = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > MAX_REMEMBERED_CLIENTS;
        }
    };
    private static final int MAX_REMEMBERED_CLIENTS = 1024;

    private final Object queueLock = new Object();
    /** Whether a {@link #syncFromStorage} is queued and has not started yet. */
    final AtomicBoolean syncQueued = new AtomicBoolean();
    private CompletableFuture<?> tail = CompletableFuture.completedFuture(null);

    StoreChannel(StoreId storeId, EventStore storage) {
        this.storeId = storeId;
        this.storage = storage;
    }

    /** Loads head and backendId from storage the first time the store is touched on this node. */
    void ensureInitialized() {
        synchronized (lock) {
            if (!initialized) {
                backendId = storage.backendId(storeId);
                publishedHead = storage.head(storeId);
                initialized = true;
            }
        }
    }

    void sawClient(String remote, String clientId) {
        synchronized (clientsByRemote) {
            clientsByRemote.put(remote, clientId);
        }
    }

    Optional<String> clientAt(String remote) {
        synchronized (clientsByRemote) {
            return Optional.ofNullable(clientsByRemote.get(remote));
        }
    }

    long publishedHead() {
        synchronized (lock) {
            return publishedHead;
        }
    }

    String backendId() {
        synchronized (lock) {
            return backendId;
        }
    }

    /** Runs {@code task} on {@code executor} after every task given before it has finished. */
    <T> CompletableFuture<T> serially(Supplier<T> task, Executor executor) {
        synchronized (queueLock) {
            CompletableFuture<T> next = tail.handle((ignored, failure) -> null)
                    .thenApplyAsync(ignored -> task.get(), executor);
            tail = next;
            return next;
        }
    }

    /**
     * Like {@link #serially}, but when no task is queued or running it runs {@code task} at once on the calling
     * thread (which must be one that may block: a worker) instead of handing it to {@code executor}: a push whose
     * store is free is admitted on the worker that authenticated it, one thread hand-off fewer. Failures complete
     * the returned stage, as with {@link #serially}.
     */
    <T> CompletableFuture<T> seriallyHere(Supplier<T> task, Executor executor) {
        CompletableFuture<T> mine;
        synchronized (queueLock) {
            if (!tail.isDone()) {
                return serially(task, executor);
            }
            mine = new CompletableFuture<>();
            tail = mine;
        }
        try {
            mine.complete(task.get());
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
        }
        return mine;
    }

    /** A future that completes when every task queued so far has finished. */
    CompletableFuture<Void> idle() {
        synchronized (queueLock) {
            return tail.handle((ignored, failure) -> null);
        }
    }

    /**
     * Hands {@code events} (ascending, all after {@code publishedHead}) to every live pull, then lets
     * those with demand deliver on this thread. Called from the serial queue only.
     */
    void publish(List<SizedEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        List<PullSubscription> toDrain = new ArrayList<>();
        synchronized (lock) {
            long last = events.get(events.size() - 1).seqNum();
            publishedHead = Math.max(publishedHead, last);
            for (var iterator = live.iterator(); iterator.hasNext(); ) {
                PullSubscription subscription = iterator.next();
                switch (subscription.offer(events)) {
                    case QUEUED -> toDrain.add(subscription);
                    case OVERFLOWED -> {
                        iterator.remove();
                        toDrain.add(subscription);
                    }
                    case GONE -> iterator.remove();
                    case NOTHING_NEW -> {
                    }
                }
            }
        }
        for (PullSubscription subscription : toDrain) {
            subscription.drain();
        }
    }

    /**
     * Registers {@code subscription} as live if it has delivered everything published so far (its
     * watermark is at or past {@code publishedHead}); otherwise it must read more from storage first,
     * where everything up to {@code publishedHead} already is. A pull that served another backendId (the
     * store was reset after its last read) is not registered: its next read ends it with a mismatch.
     */
    boolean goLive(PullSubscription subscription, long delivered) {
        synchronized (lock) {
            if (delivered >= publishedHead && subscription.backendId().equals(backendId)) {
                live.add(subscription);
                subscription.enterLive();
                return true;
            }
            return false;
        }
    }

    void leave(PullSubscription subscription) {
        synchronized (lock) {
            live.remove(subscription);
        }
    }

    int liveCount() {
        synchronized (lock) {
            return live.size();
        }
    }

    /**
     * Publishes what storage holds beyond {@code publishedHead}: appends made by other nodes. Called from
     * the serial queue only. Without live pulls it only moves the head. A backendId that changed in
     * storage (a reset made by another node) is applied first, as by {@link #resetTo}.
     */
    void syncFromStorage(int batchSize) {
        ensureInitialized();
        String storageBackendId = storage.backendId(storeId);
        if (!storageBackendId.equals(backendId())) {
            // another node reset the store: forget the old history and end the pulls that served it
            LOG.info("store {}: reset by another node, new backendId {}", storeId, storageBackendId);
            resetTo(storageBackendId);
        }
        long storageHead = storage.head(storeId);
        synchronized (lock) {
            if (storageHead <= publishedHead) {
                return;
            }
            if (live.isEmpty()) {
                publishedHead = storageHead;
                return;
            }
        }
        long from = publishedHead();
        while (from < storageHead) {
            var events = storage.read(storeId, from, batchSize);
            if (events.isEmpty()) {
                break;
            }
            publish(SizedEvent.ofAll(events));
            from = events.get(events.size() - 1).seqNum();
        }
    }

    /** The store was reset: new backendId, empty log; live pulls end with a backendId mismatch. */
    void resetTo(String newBackendId) {
        List<PullSubscription> ended;
        String oldBackendId;
        synchronized (lock) {
            oldBackendId = backendId;
            backendId = newBackendId;
            publishedHead = 0;
            initialized = true;
            ended = new ArrayList<>(live);
            live.clear();
        }
        SyncError error = new SyncError.BackendIdMismatch(newBackendId, oldBackendId == null ? "" : oldBackendId);
        for (PullSubscription subscription : ended) {
            subscription.fail(error);
        }
    }

    /**
     * The store was deleted: forget its state, so that its next use loads it afresh from storage, and stop
     * serving its live pulls (the caller ends them). Called from the serial queue only. Returns the backendId
     * it had, empty when it was never loaded.
     */
    String forget() {
        synchronized (lock) {
            String old = backendId == null ? "" : backendId;
            backendId = null;
            publishedHead = 0;
            initialized = false;
            live.clear();
            return old;
        }
    }

    /** Ends every live pull with {@code error} (shutdown). */
    void failAll(SyncError error) {
        List<PullSubscription> ended;
        synchronized (lock) {
            ended = new ArrayList<>(live);
            live.clear();
        }
        for (PullSubscription subscription : ended) {
            subscription.fail(error);
        }
    }
}
