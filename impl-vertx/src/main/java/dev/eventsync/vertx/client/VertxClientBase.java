package dev.eventsync.vertx.client;

import dev.eventsync.api.Capabilities;
import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.Event;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
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

    /** Set on the context once {@link #close()} started; nothing new is sent after it. */
    protected boolean closed;

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
