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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The protocol engine: the server side of push and pull over any {@link EventStore}. This class is the
 * facade; the work is done by package-private parts along the engine's seams: {@link PushAdmission} (the
 * push path, with {@link dev.eventsync.api.PushRules} as the only home of its rules), {@link PageReader}
 * (pull pages), {@link Execution} (the workers and the one mapping of failures to {@link SyncError}),
 * {@link FeedRelay} (appends made by other nodes), {@link Hooks} (the deployment's hooks),
 * {@link StoreAdministration} (reset, delete, status), {@link StoreChannel} (one store's admission queue,
 * published head and live pulls), {@link StoreChannels} (the channels in use and the idle ones kept) and
 * {@link Shutdown} (the drain). {@link SyncEngineBuilder} builds one without Guice.
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
 * {@link SyncEngineBuilder#executor}), never on the caller's thread; a full pool answers {@code Unavailable} at
 * once. Methods return immediately.
 *
 * <p>A live pull that has outstanding demand receives a new batch on the pushing worker, before the push
 * is acknowledged (that is what lets a pusher see its own echo first). Subscribers therefore must not
 * block in {@code onNext} (Reactive Streams rule 2.2; the Vert.x transport only enqueues a frame there):
 * one that blocks delays pushes to its store. A subscriber that is merely slow to {@code request} never
 * does: its pages wait in its bounded buffer, and past that it reads from storage.
 */
public final class SyncEngine implements SyncService, AutoCloseable {

    private final EventStore storage;
    private final SyncLimits limits;
    private final Hooks hooks;
    private final Execution execution;
    private final PushAdmission admission;
    private final FeedRelay relay;
    private final StoreChannels channels;
    private final Set<PullSubscription> pulls = ConcurrentHashMap.newKeySet();
    private final StoreAdministration administration;
    private final Shutdown shutdown;

    @Inject
    public SyncEngine(EventStore storage, SyncLimits limits, EngineSettings settings, Set<Authenticator> authenticators,
                      Set<PushInterceptor> pushInterceptors, Set<EventValidator> eventValidators) {
        this(storage, limits, settings, new Hooks(List.copyOf(authenticators), List.copyOf(pushInterceptors),
                List.copyOf(eventValidators)), Clock.systemUTC(), Execution.newWorkerPool(settings));
    }

    SyncEngine(EventStore storage, SyncLimits limits, EngineSettings settings, Hooks hooks, Clock clock,
               ExecutorService workers) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.limits = Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(settings, "settings");
        this.hooks = hooks;
        Objects.requireNonNull(clock, "clock");
        this.execution = new Execution(Objects.requireNonNull(workers, "workers"));
        this.admission = new PushAdmission(storage, limits, settings, hooks, clock, execution);
        this.administration = new StoreAdministration(storage, execution, pulls, clock);
        this.channels = new StoreChannels(storage, settings.maxIdleStores());
        this.relay = new FeedRelay(channels::held, channels.all(), execution, settings.readBatchSize());
        AutoCloseable changeFeedHandle = storage.changeFeed().map(feed -> feed.subscribe(relay)).orElse(() -> {
        });
        this.shutdown = new Shutdown(execution, changeFeedHandle, channels, pulls);
    }

    /** A builder for use without Guice. */
    public static SyncEngineBuilder builder(EventStore storage) {
        return new SyncEngineBuilder(storage);
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
        return channels.using(context.storeId(), channel -> {
            if (!events.isEmpty()) {
                // LiveStore's pull requests carry no client id: remember who pushed from this peer address
                context.remote().ifPresent(remote -> channel.sawClient(remote, events.get(0).clientId()));
            }
            return admission.push(context, channel, events, backendId);
        });
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
            StoreChannel channel = channels.acquire(context.storeId());
            PullSubscription[] self = new PullSubscription[1];
            AtomicBoolean released = new AtomicBoolean();
            PullSubscription subscription = new PullSubscription(subscriber, channel,
                    new PageReader(storage, limits, hooks, execution, relay, context, cursor, trusted), limits, live,
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
        return channels.using(storeId, administration::reset);
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
        return channels.using(storeId, administration::delete);
    }

    /** Live pulls currently registered on this node, over all stores. */
    public int livePullCount() {
        return channels.liveCount();
    }

    /**
     * Stops: refuses new requests, lets admitted pushes finish (up to {@code grace}), ends every pull with
     * {@code Unavailable}, and stops the workers. The storage is not closed: its owner closes it.
     */
    public void shutdown(Duration grace) {
        shutdown.run(grace);
    }

    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }

    /** The stores whose state this engine holds in memory now (in use, or among the idle ones kept). */
    public int cachedStoreCount() {
        return channels.size();
    }
}
