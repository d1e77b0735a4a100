package dev.eventsync.vertx.client;

import dev.eventsync.api.Capabilities;
import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncBackend;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.wire.CauseFormat;
import dev.eventsync.vertx.wire.RpcCodec;
import dev.eventsync.vertx.wire.ServerMessage;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.net.ClientOptionsBase;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the WebSocket and the HTTP client share: their settings, Vert.x context, callback executor, connection
 * state, codec and request ids, the parts of {@link SyncBackend} that do not depend on the transport, and the
 * common steps of answering a push, failing after close and closing. All mutable state of a client is confined
 * to its Vert.x {@link #context}; callers' futures complete on the callback executor, never on an event loop.
 */
abstract sealed class VertxClientBase implements SyncBackend permits HttpSyncClient, WsSyncClient {

    /** How long a {@link #close()} called off the event loop waits for the client to finish closing. */
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final Logger log = LoggerFactory.getLogger(getClass());

    protected final VertxClientSettings settings;
    protected final Vertx vertx;
    protected final Context context;
    protected final ExecutorService callbacks;
    protected final ConnectionStates states;
    protected final RpcCodec codec = new RpcCodec(CauseFormat.EFFECT3_TREE);
    protected final String url;
    private final AtomicLong ids = new AtomicLong();
    private final Runnable onClose;

    /** Set on the context once {@link #close()} started; nothing new is sent after it. Read on any thread. */
    protected volatile boolean closed;

    /** The pulls whose subscriber has not had a terminal signal yet (on the context), for {@link #endOpenPulls}. */
    private final java.util.Set<PullDelivery> openDeliveries = new java.util.HashSet<>();

    /** The backendId of the last page this client delivered, or null before the first one. */
    private volatile String knownBackendId;

    VertxClientBase(VertxClientSettings settings, Vertx vertx, ExecutorService callbacks, Runnable onClose,
                    boolean websocket) {
        this.settings = settings;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.callbacks = callbacks;
        this.onClose = onClose;
        this.states = new ConnectionStates(callbacks);
        this.url = ClientUrls.syncUrl(settings, websocket);
    }

    @Override
    public final StoreId storeId() {
        return settings.storeId();
    }

    @Override
    public final Capabilities supports() {
        return new Capabilities(true, true);
    }

    @Override
    public final ConnectionState connectionState() {
        return states.get();
    }

    @Override
    public final AutoCloseable onConnectionState(Consumer<ConnectionState> listener) {
        return states.listen(listener);
    }

    /** Connecting is proven by a ping answered by the server. */
    @Override
    public final CompletionStage<Void> connect() {
        return ping();
    }

    /**
     * Pulls after {@code cursor}. sync-cf 0.4.0's cursor schema requires the store's backendId
     * ({@code packages/@livestore/sync-cf/src/common/sync-message-types.ts}, and {@code do/pull.ts} answers
     * {@code BackendIdMismatchError} for any other, the empty string included), as a real LiveStore client always
     * sends the one it learned. So a cursor without one never goes on the wire as it is: the client fills in the
     * backendId of the last page it delivered, and when it has seen none yet it first learns it from the first
     * page of a pull from the root (then cancelled). A cursor that carries a backendId is sent unchanged.
     */
    @Override
    public final Flow.Publisher<PullPage> pull(Optional<PullCursor> cursor, boolean live) {
        Flow.Publisher<PullPage> pull = resolvedPull(cursor, live);
        return subscriber -> {
            if (closed) { // the callback thread may be gone: tell the subscriber on the caller's thread
                failBeforeStart(subscriber, closedError());
            } else {
                pull.subscribe(subscriber);
            }
        };
    }

    private Flow.Publisher<PullPage> resolvedPull(Optional<PullCursor> cursor, boolean live) {
        if (cursor.isEmpty() || cursor.get().backendId().isPresent()) {
            return openPull(cursor, live);
        }
        long after = cursor.get().eventSequenceNumber();
        return subscriber -> {
            String known = knownBackendId;
            if (known != null) {
                openPull(Optional.of(PullCursor.after(after, known)), live).subscribe(subscriber);
                return;
            }
            openPull(Optional.empty(), false).subscribe(new Flow.Subscriber<PullPage>() {
                private Flow.Subscription learning;
                private boolean done;

                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    learning = subscription;
                    subscription.request(1);
                }

                @Override
                public void onNext(PullPage page) {
                    if (done) {
                        return;
                    }
                    done = true;
                    learning.cancel();
                    if (page.backendId() == null || page.backendId().isBlank()) {
                        failBeforeStart(subscriber, new SyncErrorException(new SyncError.Unknown("the server at " + url
                                + " sent a page without a backendId, so a pull after " + after + " cannot name one")));
                        return;
                    }
                    knownBackendId = page.backendId();
                    openPull(Optional.of(PullCursor.after(after, page.backendId())), live).subscribe(subscriber);
                }

                @Override
                public void onError(Throwable error) {
                    if (!done) {
                        done = true;
                        failBeforeStart(subscriber, error);
                    }
                }

                @Override
                public void onComplete() {
                    if (!done) {
                        done = true;
                        failBeforeStart(subscriber, new SyncErrorException(new SyncError.Unknown("the server at " + url
                                + " ended a pull from the root without a page, so the store's backendId is unknown")));
                    }
                }
            });
        };
    }

    /** The transport's pull; {@code cursor} is empty or carries a backendId. */
    protected abstract Flow.Publisher<PullPage> openPull(Optional<PullCursor> cursor, boolean live);

    /** Registers a new pull's delivery so that {@link #endOpenPulls} can end it (on the context). */
    private void track(PullDelivery delivery) {
        openDeliveries.removeIf(PullDelivery::isTerminated);
        openDeliveries.add(delivery);
    }

    /**
     * Ends every pull whose subscriber has had no terminal signal, finished ones whose last pages wait for demand
     * included, with {@code error} (on the context, while closing).
     */
    protected final void endOpenPulls(SyncErrorException error) {
        openDeliveries.forEach(d -> d.fail(error));
        openDeliveries.clear();
    }

    /** Remembers the backendId of a page handed to a subscriber (any pull of this client). */
    private void learnBackendId(PullPage page) {
        if (page.backendId() != null && !page.backendId().isBlank()) {
            knownBackendId = page.backendId();
        }
    }

    private static void failBeforeStart(Flow.Subscriber<? super PullPage> subscriber, Throwable error) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onError(error);
    }

    /**
     * {@code options} with the settings' trusted certificates, if any: over {@code wss://} and {@code https://}
     * the client then trusts only that PEM file's certificates (a self-signed server, a private CA).
     */
    static <O extends ClientOptionsBase> O trusting(VertxClientSettings settings, O options) {
        settings.trustedCertificates().ifPresent(pem -> options.setTrustOptions(
                new PemTrustOptions().addCertPath(pem.toString())));
        return options;
    }

    /** The connect timeout for the Vert.x client: the request timeout, capped to what Vert.x accepts. */
    protected final int connectTimeoutMillis() {
        return (int) Math.min(Integer.MAX_VALUE, settings.requestTimeout().toMillis());
    }

    /** The next request id of this client. */
    protected final String nextId() {
        return Long.toString(ids.getAndIncrement());
    }

    /** The error of every call made after {@link #close()}. */
    protected final SyncErrorException closedError() {
        return new SyncErrorException(new SyncError.Unavailable("this backend for " + url + " is closed"));
    }

    /** Completes callers' futures on the callback executor, never on the event loop. */
    protected final <T> CompletionStage<T> async(CompletableFuture<T> inner) {
        return inner.whenCompleteAsync((r, e) -> { }, callbacks);
    }

    /**
     * The typed error of a request the server refused with HTTP {@code status} (a POST on HTTP, the upgrade on
     * WebSocket): 401 and 403 {@code Unauthorized}; 400, 404, 405, 413 and 426 {@code InvalidRequest} (sending it
     * again will not help); anything else {@code Unavailable}. {@code detail} names the server and the status.
     */
    static SyncError statusError(int status, String detail) {
        return switch (status) {
            case 401, 403 -> new SyncError.Unauthorized(detail);
            case 400, 404, 405, 413, 426 -> new SyncError.InvalidRequest(detail);
            default -> new SyncError.Unavailable(detail);
        };
    }

    /**
     * Starts a pull's delivery to {@code subscriber} with the transport's pull made by {@code newPull}, and
     * registers it for {@link #endOpenPulls} (on the context).
     */
    protected final <P extends ClientPull> P startPull(Flow.Subscriber<? super PullPage> subscriber,
                                                       Function<PullDelivery, P> newPull) {
        PullDelivery delivery = new PullDelivery(context, callbacks, subscriber);
        P pull = newPull.apply(delivery);
        track(delivery);
        delivery.start(pull);
        return pull;
    }

    /**
     * What a pull keeps on either transport: whether it is live, its delivery to the subscriber, and the cursor
     * after the last page delivered (where it continues after a reconnect or poll). Confined to the context.
     */
    protected abstract class ClientPull implements PullDelivery.Listener {
        protected final boolean live;
        protected final PullDelivery delivery;
        protected Optional<PullCursor> cursor;

        protected ClientPull(Optional<PullCursor> cursor, boolean live, PullDelivery delivery) {
            this.cursor = cursor;
            this.live = live;
            this.delivery = delivery;
        }

        /** Advances the cursor past {@code page} and remembers its backendId for this client's later pulls. */
        @Override
        public void delivered(PullPage page) {
            learnBackendId(page);
            cursor = Optional.of(cursor.orElse(PullCursor.root()).advancedBy(page));
        }
    }

    /**
     * Completes a push's {@code result} from the server's answer: the server's typed error, or the push result
     * the ack carries (or reads from {@code batch} when the server sent LiveStore's plain ack).
     */
    protected static void completePush(CompletableFuture<PushResult> result, ServerMessage.Outcome outcome,
                                       List<Event> batch) {
        if (outcome instanceof ServerMessage.Failure failure) {
            result.completeExceptionally(new SyncErrorException(failure.error()));
        } else {
            result.complete(PushResults.of(((ServerMessage.Success) outcome).value(), batch));
        }
    }

    /**
     * The common end of {@link #close()}: once {@code done} completes, releases the transport's Vert.x client
     * with {@code release} and runs the owner's close action. Off the event loop, waits (bounded) for that.
     */
    protected final void finishClosing(CompletableFuture<Void> done, Runnable release) {
        done.whenComplete((x, e) -> {
            release.run();
            onClose.run();
        });
        if (Context.isOnEventLoopThread()) {
            return; // never block an event loop; the rest of the closing happens asynchronously
        }
        try {
            done.get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("closing the client for {} did not finish in time: {}", url, e.toString());
        }
    }
}
