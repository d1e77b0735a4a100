package dev.eventsync.core;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.PushRules;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.ChangeFeed;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StorageUnavailableException;
import dev.eventsync.spi.storage.StoreInfo;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.EventValidator;
import dev.eventsync.spi.transport.PushInterceptor;
import dev.eventsync.spi.transport.SyncService;
import dev.eventsync.spi.transport.Verdict;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol engine: the server side of push and pull over any {@link EventStore}.
 *
 * <h2>Push</h2>
 * Validated in the order of PROTOCOL.md: authentication, limits, shape (these three in parallel for
 * any number of pushes), then, one push per store at a time: backendId, head (with the idempotent
 * retry), payload validators and push interceptors, the conditional append, publication to every live
 * pull of the store (the pusher's own included), and only then the acknowledgement. The head check
 * that decides is the storage's conditional append, so the order stays total when several engines
 * share one database; the in-process admission only avoids wasted work.
 *
 * <h2>Pull</h2>
 * Pages of at most {@link SyncLimits#maxPullEvents()} events and {@link SyncLimits#maxPullBytes()}
 * bytes, each with the exact count of events after it; then, for a live pull, every later batch, with
 * no gap and no duplicate across the switch (see {@link StoreChannel}). Slow subscribers fall back to
 * catch-up reads instead of holding pushes back (see {@link PullSubscription}).
 *
 * <h2>Threads</h2>
 * Every storage call runs on the engine's bounded worker pool, never on the caller's thread; a full
 * pool answers {@code Unavailable} at once. Methods return immediately.
 *
 * <p>A live pull that has outstanding demand receives a new batch on the pushing worker, before the push
 * is acknowledged (that is what lets a pusher see its own echo first). Subscribers therefore must not
 * block in {@code onNext} (Reactive Streams rule 2.2; the Vert.x transport only enqueues a frame there):
 * one that blocks delays pushes to its store. A subscriber that is merely slow to {@code request} never
 * does: its pages wait in its bounded buffer, and past that it reads from storage.
 */
public final class SyncEngine implements SyncService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);
    private static final AuthResult.Allowed UNLIMITED = new AuthResult.Allowed(Optional.empty(), Optional.empty());

    private final EventStore storage;
    private final SyncLimits limits;
    private final EngineSettings settings;
    private final List<Authenticator> authenticators;
    private final List<PushInterceptor> pushInterceptors;
    private final List<EventValidator> eventValidators;
    private final Clock clock;
    private final ThreadPoolExecutor workers;
    private final ConcurrentMap<StoreId, StoreChannel> channels = new ConcurrentHashMap<>();
    private final Set<PullSubscription> pulls = ConcurrentHashMap.newKeySet();
    private final AutoCloseable changeFeedHandle;
    private volatile boolean closed;
    /** Set when the shutdown grace ran out: tasks still queued answer at once without touching storage. */
    private volatile boolean stopped;

    @Inject
    public SyncEngine(EventStore storage, SyncLimits limits, EngineSettings settings, Set<Authenticator> authenticators,
                      Set<PushInterceptor> pushInterceptors, Set<EventValidator> eventValidators) {
        this(storage, limits, settings, List.copyOf(authenticators), List.copyOf(pushInterceptors),
                List.copyOf(eventValidators), Clock.systemUTC());
    }

    private SyncEngine(EventStore storage, SyncLimits limits, EngineSettings settings, List<Authenticator> authenticators,
                       List<PushInterceptor> pushInterceptors, List<EventValidator> eventValidators, Clock clock) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.authenticators = authenticators;
        this.pushInterceptors = pushInterceptors;
        this.eventValidators = eventValidators;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.workers = newWorkerPool(settings);
        this.changeFeedHandle = storage.changeFeed().map(feed -> feed.subscribe(new FeedListener())).orElse(() -> {
        });
    }

    /** A builder for use without Guice. */
    public static Builder builder(EventStore storage) {
        return new Builder(storage);
    }

    /** The storage this engine serves. */
    public EventStore storage() {
        return storage;
    }

    /** The limits this engine enforces. */
    public SyncLimits limits() {
        return limits;
    }

    // ---------------------------------------------------------------- authorize / ping / health

    @Override
    public CompletionStage<AuthResult.Allowed> authorize(CallContext context) {
        if (authenticators.isEmpty()) {
            return closed ? failed(unavailableClosed()) : CompletableFuture.completedFuture(UNLIMITED);
        }
        return onWorker(() -> authenticate(context));
    }

    @Override
    public CompletionStage<Void> ping(CallContext context) {
        return onWorker(() -> {
            authenticate(context);
            storage.checkHealth();
            return null;
        });
    }

    @Override
    public CompletionStage<Health> health() {
        if (closed) {
            return CompletableFuture.completedFuture(new Health(false, "engine is shut down"));
        }
        return onWorker(() -> {
            storage.checkHealth();
            return new Health(true, "storage ok");
        }).exceptionally(failure -> new Health(false, describe(failure)));
    }

    // ---------------------------------------------------------------- push

    @Override
    public CompletionStage<PushResult> push(CallContext context, List<Event> batch, Optional<String> backendId) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(backendId, "backendId");
        List<Event> events = List.copyOf(batch);
        StoreChannel channel = channel(context.storeId());
        return onWorker(() -> {
            authenticate(context);
            if (events.isEmpty()) {
                channel.ensureInitialized();
                return (PushResult) new PushResult.Empty(channel.publishedHead());
            }
            PushRules.checkLimits(events, limits).or(() -> PushRules.checkShape(events)).ifPresent(SyncEngine::raise);
            return null;
        }).thenCompose(early -> early != null ? CompletableFuture.completedFuture(early)
                : channel.serially(() -> guarded(() -> {
                    checkRunning();
                    return admit(context, channel, events, backendId);
                }), workersOrFail()))
                .handle(SyncEngine::typed);
    }

    /** Passes a result or a typed failure through; any other failure becomes {@code Unavailable}. */
    private static <T> T typed(T result, Throwable failure) {
        if (failure == null) {
            return result;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof SyncErrorException e) {
            throw e;
        }
        if (cause instanceof RejectedExecutionException) {
            throw new SyncErrorException(new SyncError.Unavailable("the server is overloaded"), cause);
        }
        LOG.error("push failed unexpectedly", cause);
        throw new SyncErrorException(new SyncError.Unavailable(
                "the push failed unexpectedly; the server log has the details"), cause);
    }

    /** Steps 4 to 8, one push per store at a time. */
    private PushResult admit(CallContext context, StoreChannel channel, List<Event> batch,
                             Optional<String> sentBackendId) {
        channel.ensureInitialized();
        if (sentBackendId.isPresent() && !sentBackendId.get().equals(channel.backendId())) {
            // the client may know of a reset made by another node before this node does
            channel.syncFromStorage(settings.readBatchSize());
        }
        PushRules.checkBackendId(sentBackendId, channel.backendId()).ifPresent(SyncEngine::raise);
        long parent = batch.get(0).parentSeqNum();
        long head = channel.publishedHead();
        if (parent != head) {
            // another node may have appended: publish what storage has before judging the push
            channel.syncFromStorage(settings.readBatchSize());
            head = channel.publishedHead();
        }
        if (parent != head) {
            return retryOrServerAhead(channel, batch, head);
        }
        runHooks(context, batch);
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        AppendResult result = storage.append(channel.storeId, head, batch, now);
        if (result instanceof AppendResult.HeadMismatch mismatch) {
            channel.syncFromStorage(settings.readBatchSize());
            return retryOrServerAhead(channel, batch, Math.max(mismatch.actualHead(), channel.publishedHead()));
        }
        List<SizedEvent> published = new ArrayList<>(batch.size());
        for (Event event : batch) {
            published.add(SizedEvent.of(new StoredEvent(event, now)));
        }
        channel.publish(published);
        long newHead = batch.get(batch.size() - 1).seqNum();
        LOG.debug("store {}: appended {} events, head {} -> {}", channel.storeId, batch.size(), head, newHead);
        return new PushResult.Appended(newHead, batch.size());
    }

    private PushResult retryOrServerAhead(StoreChannel channel, List<Event> batch, long head) {
        long parent = batch.get(0).parentSeqNum();
        if (parent < head) {
            List<StoredEvent> existing = storage.read(channel.storeId, parent, batch.size());
            if (PushRules.isRetryOf(batch, existing)) {
                LOG.debug("store {}: push of {} events after {} is a retry of an accepted push", channel.storeId,
                        batch.size(), parent);
                return new PushResult.AlreadyApplied(head);
            }
        }
        LOG.debug("store {}: push after {} rejected, head is {}", channel.storeId, parent, head);
        throw new SyncErrorException(new SyncError.ServerAhead(head, parent));
    }

    private void runHooks(CallContext context, List<Event> batch) {
        for (int i = 0; i < batch.size(); i++) {
            Event event = batch.get(i);
            for (EventValidator validator : eventValidators) {
                if (validator.eventNames().isEmpty() || validator.eventNames().contains(event.name())) {
                    if (validator.validate(event) instanceof Verdict.Reject reject) {
                        raise(new SyncError.InvalidBatch(i, "event '" + event.name() + "' (seqNum " + event.seqNum()
                                + ") failed validation: " + reject.reason()));
                    }
                }
            }
            for (PushInterceptor interceptor : pushInterceptors) {
                if (interceptor.intercept(context, event) instanceof Verdict.Reject reject) {
                    raise(new SyncError.Rejected(i, event.seqNum(), event.name(), reject.reason()));
                }
            }
        }
    }

    // ---------------------------------------------------------------- pull

    @Override
    public Flow.Publisher<PullPage> pull(CallContext context, Optional<PullCursor> cursor, boolean live) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(cursor, "cursor");
        return subscriber -> {
            StoreChannel channel = channel(context.storeId());
            long after = cursor.map(PullCursor::eventSequenceNumber).orElse(0L);
            PullSubscription[] self = new PullSubscription[1];
            PullSubscription subscription = new PullSubscription(subscriber, channel,
                    new Reader(context, cursor), limits, live, after, () -> pulls.remove(self[0]));
            self[0] = subscription;
            pulls.add(subscription);
            subscriber.onSubscribe(subscription);
            if (closed) {
                subscription.fail(unavailableClosed());
            }
        };
    }

    /** Reads pages for one pull; validates the caller and the cursor on the first read. */
    private final class Reader implements PullSubscription.PageSource {
        private final CallContext context;
        private final Optional<PullCursor> cursor;

        Reader(CallContext context, Optional<PullCursor> cursor) {
            this.context = context;
            this.cursor = cursor;
        }

        @Override
        public PullSubscription.ReadResult read(PullSubscription subscription, boolean first, long after) {
            return guarded(() -> {
                checkRunning();
                StoreChannel channel = subscription.channel();
                if (first) {
                    authenticate(context);
                    channel.ensureInitialized();
                    if (!storage.backendId(channel.storeId).equals(channel.backendId())) {
                        syncLater(channel);
                        raise(new SyncError.Unavailable("the store was just reset; pull again"));
                    }
                    validateCursor(channel);
                } else {
                    channel.ensureInitialized();
                    if (!channel.backendId().equals(subscription.backendId())) {
                        raise(new SyncError.BackendIdMismatch(channel.backendId(), subscription.backendId()));
                    }
                }
                List<StoredEvent> read = storage.read(channel.storeId, after, limits.maxPullEvents());
                if (read.isEmpty() && after < channel.publishedHead()) {
                    // storage is behind what this node published: the store was reset by another node
                    syncLater(channel);
                }
                List<SizedEvent> sized = SizedEvent.ofAll(read);
                int n = SizedEvent.fitting(sized, limits.maxPullEvents(), limits.maxPullBytes());
                List<StoredEvent> page = read.subList(0, n);
                long remaining;
                if (n == 0) {
                    remaining = 0;
                } else if (n == read.size() && read.size() < limits.maxPullEvents()) {
                    remaining = 0; // the read found the end of the log
                } else {
                    remaining = storage.countAfter(channel.storeId, page.get(n - 1).seqNum());
                }
                return new PullSubscription.ReadResult(List.copyOf(page), remaining, channel.backendId());
            });
        }

        private void validateCursor(StoreChannel channel) {
            channel.ensureInitialized();
            if (cursor.isEmpty()) {
                return;
            }
            PullCursor c = cursor.get();
            if (c.eventSequenceNumber() < 0) {
                raise(new SyncError.InvalidCursor("eventSequenceNumber must be non-negative, got "
                        + c.eventSequenceNumber()));
            }
            PushRules.checkBackendId(c.backendId(), channel.backendId()).ifPresent(SyncEngine::raise);
            long head = storage.head(channel.storeId);
            if (c.eventSequenceNumber() > head) {
                raise(new SyncError.InvalidCursor("the cursor is at " + c.eventSequenceNumber()
                        + " but the store's head is " + head
                        + "; the server does not have the history the client claims, so the client must reset"));
            }
        }

        @Override
        public void execute(Runnable task) {
            workersOrFail().execute(task);
        }
    }

    // ---------------------------------------------------------------- administration

    /** The stores with their heads and sizes. */
    public CompletionStage<List<StoreInfo>> stores() {
        return onWorker(storage::stores);
    }

    /**
     * Forgets a store's history and gives it a new backendId; its pulls end with a backendId mismatch,
     * which tells clients to reset. Completes with the new backendId.
     */
    public CompletionStage<String> resetStore(StoreId storeId) {
        StoreChannel channel = channel(storeId);
        if (closed) {
            return failed(unavailableClosed());
        }
        return channel.serially(() -> guarded(() -> {
            checkRunning();
            storage.reset(storeId);
            String backendId = storage.backendId(storeId);
            channel.resetTo(backendId);
            LOG.info("store {}: reset, new backendId {}", storeId, backendId);
            return backendId;
        }), workersOrFail());
    }

    /** Live pulls currently registered on this node, over all stores. */
    public int livePullCount() {
        int n = 0;
        for (StoreChannel channel : channels.values()) {
            n += channel.liveCount();
        }
        return n;
    }

    /**
     * Stops: refuses new requests, lets admitted pushes finish (up to {@code grace}), ends every pull with
     * {@code Unavailable}, and stops the workers. The storage is not closed: its owner closes it.
     */
    public void shutdown(Duration grace) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            changeFeedHandle.close();
        } catch (Exception e) {
            LOG.warn("closing the change feed failed", e);
        }
        List<CompletableFuture<Void>> idle = new ArrayList<>();
        channels.values().forEach(channel -> idle.add(channel.idle()));
        try {
            CompletableFuture.allOf(idle.toArray(CompletableFuture[]::new)).get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("pushes still running after {}; stopping anyway", grace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException e) {
            LOG.warn("waiting for pushes failed", e);
        }
        SyncError shuttingDown = unavailableClosed();
        for (PullSubscription pull : List.copyOf(pulls)) {
            pull.fail(shuttingDown);
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                stopNow();
            }
        } catch (InterruptedException e) {
            stopNow();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Interrupts the running tasks and answers the queued ones: each of them checks {@link #stopped}
     * first, so running it here only completes its caller's stage with {@code Unavailable}. Dropping
     * them instead would leave those stages incomplete forever.
     */
    private void stopNow() {
        stopped = true;
        List<Runnable> queued = workers.shutdownNow();
        LOG.warn("work still running after the shutdown grace; answering {} queued tasks with Unavailable",
                queued.size());
        for (Runnable task : queued) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("answering a queued task at shutdown failed", e);
            }
        }
    }

    private void checkRunning() {
        if (stopped) {
            raise(unavailableClosed());
        }
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    // ---------------------------------------------------------------- internals

    private StoreChannel channel(StoreId storeId) {
        return channels.computeIfAbsent(storeId, id -> new StoreChannel(id, storage));
    }

    /** Runs every authenticator; all have to allow, and the combined allowance ends at the earliest expiry. */
    private AuthResult.Allowed authenticate(CallContext context) {
        AuthResult.Allowed allowed = UNLIMITED;
        for (Authenticator authenticator : authenticators) {
            AuthResult result = authenticator.authenticate(context);
            if (result instanceof AuthResult.Denied denied) {
                raise(new SyncError.Unauthorized(denied.reason()));
            } else {
                allowed = allowed.and((AuthResult.Allowed) result);
            }
        }
        return allowed;
    }

    private <T> CompletableFuture<T> onWorker(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(() -> {
                checkRunning();
                return guarded(task);
            }, workersOrFail());
        } catch (SyncErrorException e) {
            return failed(e.error());
        } catch (RejectedExecutionException e) {
            // supplyAsync hands the task over on the caller's thread: a full pool throws here
            return CompletableFuture.failedFuture(
                    new SyncErrorException(new SyncError.Unavailable("the server is overloaded"), e));
        }
    }

    private ThreadPoolExecutor workersOrFail() {
        if (closed) {
            throw new SyncErrorException(unavailableClosed());
        }
        return workers;
    }

    /** Runs a storage task, turning storage failures into typed errors. */
    private static <T> T guarded(Supplier<T> task) {
        try {
            return task.get();
        } catch (SyncErrorException e) {
            throw e;
        } catch (StorageUnavailableException e) {
            // the detail (SQL, host names) is for the operator's log, never for clients
            LOG.warn("storage unavailable: {}", e.getMessage());
            throw new SyncErrorException(new SyncError.Unavailable("the storage is unavailable"), e);
        } catch (RejectedExecutionException e) {
            throw new SyncErrorException(new SyncError.Unavailable("the server is overloaded"), e);
        } catch (RuntimeException e) {
            LOG.error("storage call failed unexpectedly", e);
            throw new SyncErrorException(new SyncError.Unavailable(
                    "the storage failed unexpectedly; the server log has the details"), e);
        }
    }

    private static void raise(SyncError error) {
        throw new SyncErrorException(error);
    }

    private static <T> CompletableFuture<T> failed(SyncError error) {
        return CompletableFuture.failedFuture(new SyncErrorException(error));
    }

    private static SyncError unavailableClosed() {
        return new SyncError.Unavailable("the server is shutting down");
    }

    private static String describe(Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return SyncErrorException.errorOf(t).map(SyncError::message).orElse(String.valueOf(t.getMessage()));
    }

    private static ThreadPoolExecutor newWorkerPool(EngineSettings settings) {
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(),
                30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.queueCapacity()), runnable -> {
                    Thread thread = new Thread(runnable, "eventsync-worker-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** Publishes appends made by other nodes, in the store's admission order. */
    private final class FeedListener implements ChangeFeed.Listener {
        @Override
        public void appended(StoreId storeId, long head) {
            StoreChannel channel = channels.get(storeId);
            if (channel == null || closed || head <= channel.publishedHead()) {
                return; // nobody on this node follows the store, or it is already published
            }
            SyncEngine.this.syncLater(channel);
        }

        @Override
        public void resync() {
            if (!closed) {
                channels.values().forEach(SyncEngine.this::syncLater);
            }
        }

        @Override
        public void reset(StoreId storeId) {
            StoreChannel channel = channels.get(storeId);
            if (channel != null && !closed) {
                SyncEngine.this.syncLater(channel); // sees the new backendId and ends the store's live pulls
            }
        }
    }

    /**
     * Queues a {@link StoreChannel#syncFromStorage} on the store's serial queue, unless one is queued and
     * not started yet (it will see everything this one would).
     */
    private void syncLater(StoreChannel channel) {
        if (closed || !channel.syncQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.serially(() -> guarded(() -> {
                channel.syncQueued.set(false);
                checkRunning();
                channel.syncFromStorage(settings.readBatchSize());
                return null;
            }), workers).exceptionally(failure -> {
                channel.syncQueued.set(false);
                LOG.warn("store {}: publishing appends from other nodes failed: {}", channel.storeId, describe(failure));
                return null;
            });
        } catch (RejectedExecutionException e) {
            channel.syncQueued.set(false);
            LOG.warn("store {}: workers busy; appends from other nodes will be published with the next push",
                    channel.storeId);
        }
    }

    /** Builds a {@link SyncEngine} without Guice. */
    public static final class Builder {
        private final EventStore storage;
        private SyncLimits limits = SyncLimits.DEFAULTS;
        private EngineSettings settings = EngineSettings.DEFAULTS;
        private final List<Authenticator> authenticators = new ArrayList<>();
        private final List<PushInterceptor> pushInterceptors = new ArrayList<>();
        private final List<EventValidator> eventValidators = new ArrayList<>();
        private Clock clock = Clock.systemUTC();

        private Builder(EventStore storage) {
            this.storage = Objects.requireNonNull(storage, "storage");
        }

        public Builder limits(SyncLimits value) {
            this.limits = Objects.requireNonNull(value);
            return this;
        }

        public Builder settings(EngineSettings value) {
            this.settings = Objects.requireNonNull(value);
            return this;
        }

        public Builder authenticator(Authenticator value) {
            authenticators.add(Objects.requireNonNull(value));
            return this;
        }

        public Builder pushInterceptor(PushInterceptor value) {
            pushInterceptors.add(Objects.requireNonNull(value));
            return this;
        }

        public Builder eventValidator(EventValidator value) {
            eventValidators.add(Objects.requireNonNull(value));
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = Objects.requireNonNull(value);
            return this;
        }

        public SyncEngine build() {
            return new SyncEngine(storage, limits, settings, List.copyOf(authenticators), List.copyOf(pushInterceptors),
                    List.copyOf(eventValidators), clock);
        }
    }
}
