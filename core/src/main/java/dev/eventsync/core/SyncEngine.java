package dev.eventsync.core;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.storage.StoreInfo;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.EventValidator;
import dev.eventsync.spi.transport.PushInterceptor;
import dev.eventsync.spi.transport.SyncService;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol engine: the server side of push and pull over any {@link EventStore}. This class is the
 * facade; the work is done by package-private parts along the engine's seams: {@link PushAdmission} (the
 * push path, with {@link dev.eventsync.api.PushRules} as the only home of its rules), {@link PageReader}
 * (pull pages), {@link Execution} (the workers and the one mapping of failures to {@link SyncError}),
 * {@link FeedRelay} (appends made by other nodes), {@link Hooks} (the deployment's hooks) and
 * {@link StoreChannel} (one store's admission queue, published head and live pulls).
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
 * Every storage call runs on the engine's bounded worker pool (or the executor given to
 * {@link Builder#executor}), never on the caller's thread; a full pool answers {@code Unavailable} at
 * once. Methods return immediately.
 *
 * <p>A live pull that has outstanding demand receives a new batch on the pushing worker, before the push
 * is acknowledged (that is what lets a pusher see its own echo first). Subscribers therefore must not
 * block in {@code onNext} (Reactive Streams rule 2.2; the Vert.x transport only enqueues a frame there):
 * one that blocks delays pushes to its store. A subscriber that is merely slow to {@code request} never
 * does: its pages wait in its bounded buffer, and past that it reads from storage.
 */
public final class SyncEngine implements SyncService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncEngine.class);

    private final EventStore storage;
    private final SyncLimits limits;
    private final Hooks hooks;
    private final Execution execution;
    private final PushAdmission admission;
    private final FeedRelay relay;
    private final ConcurrentMap<StoreId, StoreChannel> channels = new ConcurrentHashMap<>();
    /** Stores whose channel has no user, least recently used first; guarded by itself, taken after a map bin. */
    private final java.util.LinkedHashSet<StoreId> idleStores = new java.util.LinkedHashSet<>();
    private final int maxIdleStores;
    private final Set<PullSubscription> pulls = ConcurrentHashMap.newKeySet();
    private final AutoCloseable changeFeedHandle;
    private final StoreAdministration administration;

    @Inject
    public SyncEngine(EventStore storage, SyncLimits limits, EngineSettings settings, Set<Authenticator> authenticators,
                      Set<PushInterceptor> pushInterceptors, Set<EventValidator> eventValidators) {
        this(storage, limits, settings, new Hooks(List.copyOf(authenticators), List.copyOf(pushInterceptors),
                List.copyOf(eventValidators)), Clock.systemUTC(), Execution.newWorkerPool(settings));
    }

    private SyncEngine(EventStore storage, SyncLimits limits, EngineSettings settings, Hooks hooks, Clock clock,
                       ExecutorService workers) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.limits = Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(settings, "settings");
        this.hooks = hooks;
        Objects.requireNonNull(clock, "clock");
        this.execution = new Execution(Objects.requireNonNull(workers, "workers"));
        this.admission = new PushAdmission(storage, limits, settings, hooks, clock, execution);
        this.administration = new StoreAdministration(storage, execution, pulls, clock);
        this.relay = new FeedRelay(channels::get, channels.values(), execution, settings.readBatchSize());
        this.maxIdleStores = settings.maxIdleStores();
        this.changeFeedHandle = storage.changeFeed().map(feed -> feed.subscribe(relay)).orElse(() -> {
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

    // ---------------------------------------------------------------- the SyncService

    @Override
    public CompletionStage<AuthResult.Allowed> authorize(CallContext context) {
        if (!hooks.hasAuthenticators()) {
            return execution.closed() ? Execution.failed(Execution.shuttingDown())
                    : CompletableFuture.completedFuture(Hooks.UNLIMITED);
        }
        return execution.onWorker(() -> hooks.authenticate(context));
    }

    @Override
    public CompletionStage<Void> ping(CallContext context) {
        return execution.onWorker(() -> {
            hooks.authenticate(context);
            storage.checkHealth();
            return null;
        });
    }

    @Override
    public CompletionStage<Health> health() {
        if (execution.closed()) {
            return CompletableFuture.completedFuture(new Health(false, "engine is shut down"));
        }
        return execution.onWorker(() -> {
            storage.checkHealth();
            return new Health(true, "storage ok");
        }).exceptionally(failure -> new Health(false, Execution.describe(failure)));
    }

    @Override
    public CompletionStage<PushResult> push(CallContext context, List<Event> batch, Optional<String> backendId) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(backendId, "backendId");
        List<Event> events = List.copyOf(batch);
        StoreChannel channel = acquire(context.storeId());
        try {
            if (!events.isEmpty()) {
                // LiveStore's pull requests carry no client id: remember who pushed from this peer address
                context.remote().ifPresent(remote -> channel.sawClient(remote, events.get(0).clientId()));
            }
            return admission.push(context, channel, events, backendId).whenComplete((r, f) -> release(channel));
        } catch (RuntimeException e) {
            release(channel);
            throw e;
        }
    }

    @Override
    public Flow.Publisher<PullPage> pull(CallContext context, Optional<PullCursor> cursor, boolean live) {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(cursor, "cursor");
        return subscribe(context, cursor, cursor.map(PullCursor::eventSequenceNumber).orElse(0L), live, false);
    }

    private Flow.Publisher<PullPage> subscribe(CallContext context, Optional<PullCursor> cursor, long after,
                                               boolean live, boolean trusted) {
        return subscriber -> {
            StoreChannel channel = acquire(context.storeId());
            PullSubscription[] self = new PullSubscription[1];
            java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();
            PullSubscription subscription = new PullSubscription(subscriber, channel,
                    new PageReader(storage, limits, hooks, execution, relay, context, cursor, trusted), limits, live,
                    after, () -> {
                        pulls.remove(self[0]);
                        if (released.compareAndSet(false, true)) {
                            release(channel);
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

    // ---------------------------------------------------------------- administration

    /** The stores with their heads and sizes. */
    public CompletionStage<List<StoreInfo>> stores() {
        return execution.onWorker(storage::stores);
    }

    /**
     * Forgets a store's history and gives it a new backendId; its pulls end with a backendId mismatch,
     * which tells clients to reset. Completes with the new backendId.
     */
    public CompletionStage<String> resetStore(StoreId storeId) {
        StoreChannel channel = acquire(storeId);
        return administration.reset(channel).whenComplete((r, f) -> release(channel));
    }

    /**
     * Every store with its head, size, backendId, the pulls open on this node and the accept time of its last
     * event (one extra read per store), in store id order.
     */
    public CompletionStage<List<StoreStatus>> storeStatuses() {
        return administration.storeStatuses();
    }

    /**
     * The pulls of {@code storeId} open on this node, oldest first, with each one's cursor and how far it lags
     * behind the store (an exact count from storage, and the age of the oldest event it has not received).
     */
    public CompletionStage<List<PullStatus>> pulls(StoreId storeId) {
        return administration.pulls(Objects.requireNonNull(storeId, "storeId"));
    }

    /**
     * A live pull of {@code storeId} from after {@code after} for the admin API: it skips the authenticators (the
     * admin API checked the operator) and shows up in {@link #pulls} with transport {@code admin}. Like every pull
     * it creates nothing: a store that does not exist reads as empty until its first push.
     */
    public Flow.Publisher<PullPage> tail(StoreId storeId, long after, Optional<String> remote) {
        Objects.requireNonNull(storeId, "storeId");
        CallContext context = new CallContext(storeId, Optional.empty(), Map.of(), Optional.empty(), "admin",
                remote);
        return subscribe(context, Optional.empty(), Math.max(0, after), true, true);
    }

    /**
     * Deletes a store: its events and its backendId are gone, it no longer appears in {@link #stores()}, and
     * every pull of it on this node ends with {@code BackendIdMismatch} (LiveStore clients then discard their
     * synced state). Runs in the store's push order, so no push of this node interleaves. A client that pushes
     * or pulls the store again afterwards starts a new, empty store with a new backendId. Completes with
     * whether the store existed.
     */
    public CompletionStage<Boolean> deleteStore(StoreId storeId) {
        StoreChannel channel = acquire(storeId);
        return administration.delete(channel).whenComplete((r, f) -> release(channel));
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
        if (execution.closed()) {
            return;
        }
        execution.close();
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
        SyncError shuttingDown = Execution.shuttingDown();
        for (PullSubscription pull : List.copyOf(pulls)) {
            pull.fail(shuttingDown);
        }
        execution.stop(grace);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    /**
     * The channel of {@code storeId}, counted as in use until {@link #release}: created (state read from storage on
     * first use) when the store has none. Counting happens under the map's lock for that store, so a channel is
     * never released while someone got hold of it, and two channels of one store never serve at once.
     */
    private StoreChannel acquire(StoreId storeId) {
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
     * {@link EngineSettings#maxIdleStores()} of them, the one idle the longest is released (its next use reads
     * head and backendId from storage again), unless it was taken again in the meantime.
     */
    private void release(StoreChannel channel) {
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

    /** The stores whose state this engine holds in memory now (in use, or among the idle ones kept). */
    public int cachedStoreCount() {
        return channels.size();
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
        private ExecutorService executor;

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

        /**
         * The executor every storage call and pull delivery runs on, instead of a pool sized by
         * {@link EngineSettings}; the engine owns it and shuts it down. A refusal
         * ({@link java.util.concurrent.RejectedExecutionException}) answers {@code Unavailable}. Tests give a
         * manual executor here to drive a deterministic schedule.
         */
        public Builder executor(ExecutorService value) {
            this.executor = Objects.requireNonNull(value);
            return this;
        }

        public SyncEngine build() {
            return new SyncEngine(storage, limits, settings, new Hooks(authenticators, pushInterceptors,
                    eventValidators), clock, executor != null ? executor : Execution.newWorkerPool(settings));
        }
    }
}
