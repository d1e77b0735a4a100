package dev.eventsync.vertx.client;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.wire.ServerMessage;
import dev.eventsync.vertx.wire.SyncRpc;
import dev.eventsync.vertx.wire.WireFormatException;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WebSocket client's requests: request ids from a counter, pushes one at a time in call order, pulls
 * acknowledged chunk by chunk as the subscriber takes pages, RPC-level pings, and what a lost connection does to
 * each. The connection itself (opening, keepalive, reconnection with backoff, close handshake) is
 * {@link WsConnector}'s. Live pulls survive a reconnect: they are sent again from the cursor after the last
 * delivered page. Everything else that is in flight when the connection drops, or that is due while it is down
 * and a connection attempt fails, fails with {@link SyncError.Unavailable}.
 *
 * <p>All state is confined to one Vert.x context; callers' threads only hop onto it.
 */
final class WsSyncClient extends VertxClientBase {

    private static final Logger LOG = LoggerFactory.getLogger(WsSyncClient.class);

    private final WsConnector connection;
    private final Map<String, WsPull> pullsById = new HashMap<>();
    private final List<WsPull> livePulls = new ArrayList<>();
    private final ArrayDeque<PushOp> pushQueue = new ArrayDeque<>();
    private PushOp pushInFlight;
    private final List<CompletableFuture<Void>> pingWaiters = new ArrayList<>();

    WsSyncClient(VertxClientSettings settings, Vertx vertx, ExecutorService callbacks, Runnable onClose) {
        super(settings, vertx, callbacks, onClose, true);
        this.connection = new WsConnector(settings, vertx, url, states, connectTimeoutMillis(), codec::ping,
                new WsConnector.Listener() {
                    @Override
                    public void opened() {
                        for (WsPull pull : new ArrayList<>(livePulls)) {
                            pull.send();
                        }
                        pumpPushes();
                    }

                    @Override
                    public void received(String text) {
                        onText(text);
                    }

                    @Override
                    public void lost(SyncErrorException error) {
                        failAll(error, false);
                    }

                    @Override
                    public void refused(SyncErrorException error) {
                        List<WsPull> waiting = new ArrayList<>(livePulls);
                        livePulls.clear();
                        waiting.forEach(p -> p.delivery.fail(error));
                    }
                });
    }

    // ---------------------------------------------------------------- operations

    /** Connects first if needed (without waiting for the backoff timer), then sends an RPC-level ping. */
    @Override
    public CompletionStage<Void> ping() {
        return whileOpen(result -> connection.whenConnected(() -> pingNow(result), result::completeExceptionally));
    }

    /**
     * Runs {@code operation} with a new future on the context, or fails that future at once when the client is
     * closed; the caller's stage completes on the callback executor.
     */
    private <T> CompletionStage<T> whileOpen(Consumer<CompletableFuture<T>> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (closed) {
                result.completeExceptionally(closedError());
                return;
            }
            operation.accept(result);
        });
        return async(result);
    }

    private void pingNow(CompletableFuture<Void> result) {
        pingWaiters.add(result);
        connection.send(codec.ping());
        long timer = vertx.setTimer(settings.requestTimeout().toMillis(), t -> {
            if (pingWaiters.remove(result)) {
                result.completeExceptionally(new SyncErrorException(new SyncError.Unavailable(
                        "no Pong from " + url + " within " + settings.requestTimeout().toMillis() + " ms")));
            }
        });
        result.whenComplete((x, e) -> vertx.cancelTimer(timer));
    }

    @Override
    public CompletionStage<PushResult> push(List<Event> batch, Optional<String> backendId) {
        List<Event> events = List.copyOf(batch);
        return whileOpen(result -> {
            pushQueue.add(new PushOp(events, backendId, result));
            pumpPushes();
        });
    }

    @Override
    protected Flow.Publisher<PullPage> openPull(Optional<PullCursor> cursor, boolean live) {
        return subscriber -> context.runOnContext(v -> {
            WsPull pull = startPull(subscriber, delivery -> new WsPull(cursor, live, delivery));
            if (closed) {
                pull.delivery.fail(closedError());
                return;
            }
            if (live) {
                livePulls.add(pull);
            }
            connection.whenConnected(pull::send, error -> {
                if (!live) {
                    pull.delivery.fail(error);
                } // a live pull waits for the reconnection instead
            });
        });
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (closed) {
                done.complete(null);
                return;
            }
            closed = true;
            SyncErrorException error = closedError();
            failAll(error, true);
            endOpenPulls(error);
            connection.close(error, done);
        });
        finishClosing(done, connection::release);
    }

    // ---------------------------------------------------------------- pushes

    private void pumpPushes() {
        if (pushInFlight != null || pushQueue.isEmpty()) {
            return;
        }
        PushOp op = pushQueue.peek();
        connection.whenConnected(() -> {
            if (pushInFlight != null || pushQueue.peek() != op) {
                return;
            }
            pushQueue.poll();
            pushInFlight = op;
            op.id = nextId();
            op.timerId = vertx.setTimer(settings.requestTimeout().toMillis(), t -> {
                if (pushInFlight == op) {
                    pushInFlight = null;
                    op.result.completeExceptionally(new SyncErrorException(new SyncError.Unavailable(
                            "no answer to push within " + settings.requestTimeout().toMillis() + " ms from " + url
                                    + "; it may or may not have been applied: pull to find out, then push again")));
                    pumpPushes();
                }
            });
            connection.send(codec.request(op.id, SyncRpc.WS_PUSH, SyncRpc.encodePush(settings.storeId().value(),
                    settings.payload(), op.batch, op.backendId), PushResults.REQUEST_HEADERS));
        }, error -> {
            // the connection attempt failed: every push waiting for it fails with the same clear error
            List<PushOp> waiting = new ArrayList<>(pushQueue);
            pushQueue.clear();
            waiting.forEach(p -> p.result.completeExceptionally(error));
        });
    }

    private void pushAnswered(PushOp op, ServerMessage.Outcome outcome) {
        vertx.cancelTimer(op.timerId);
        pushInFlight = null;
        completePush(op.result, outcome, op.batch);
        pumpPushes();
    }

    private static final class PushOp {
        final List<Event> batch;
        final Optional<String> backendId;
        final CompletableFuture<PushResult> result;
        String id;
        long timerId = -1;

        PushOp(List<Event> batch, Optional<String> backendId, CompletableFuture<PushResult> result) {
            this.batch = batch;
            this.backendId = backendId;
            this.result = result;
        }
    }

    // ---------------------------------------------------------------- pulls

    /** One pull: sent under a fresh request id on each connection, continuing after the last delivered page. */
    private final class WsPull extends ClientPull {
        private String requestId;

        WsPull(Optional<PullCursor> cursor, boolean live, PullDelivery delivery) {
            super(cursor, live, delivery);
        }

        void send() {
            if (delivery.isTerminated() || !connection.isOpen() || requestId != null) {
                return; // finished, offline (a live pull is sent on reconnect), or already sent on this connection
            }
            requestId = nextId();
            pullsById.put(requestId, this);
            connection.send(codec.request(requestId, SyncRpc.WS_PULL, SyncRpc.encodePull(
                    settings.storeId().value(), settings.payload(), live, cursor, false), List.of()));
        }

        void chunk(List<PullPage> pages) {
            pages.forEach(delivery::offer);
        }

        void exit(ServerMessage.Outcome outcome) {
            pullsById.remove(requestId);
            livePulls.remove(this);
            if (outcome instanceof ServerMessage.Failure failure) {
                delivery.fail(new SyncErrorException(failure.error()));
            } else {
                delivery.complete();
            }
        }

        /** The connection dropped: a live pull waits to be sent again, any other fails. */
        void connectionLost(SyncErrorException error) {
            pullsById.remove(requestId);
            requestId = null;
            if (live) {
                delivery.dropBuffered();
            } else {
                delivery.fail(error);
            }
        }

        @Override
        public void delivered(PullPage page) {
            super.delivered(page);
            if (requestId != null) {
                connection.send(codec.ack(requestId));
            }
        }

        @Override
        public void cancelled() {
            livePulls.remove(this);
            if (requestId != null) {
                pullsById.remove(requestId);
                connection.send(codec.interrupt(requestId));
                requestId = null;
            }
        }
    }

    // ---------------------------------------------------------------- the connection's events

    /** Fails what cannot survive a lost connection; live pulls survive unless {@code everything}. */
    private void failAll(SyncErrorException error, boolean everything) {
        if (pushInFlight != null) {
            vertx.cancelTimer(pushInFlight.timerId);
            pushInFlight.result.completeExceptionally(error);
            pushInFlight = null;
        }
        pushQueue.forEach(op -> op.result.completeExceptionally(error));
        pushQueue.clear();
        pingWaiters.forEach(p -> p.completeExceptionally(error));
        pingWaiters.clear();
        for (WsPull pull : new ArrayList<>(pullsById.values())) {
            pull.connectionLost(error);
        }
        if (everything) {
            livePulls.forEach(p -> p.delivery.fail(error));
            livePulls.clear();
        }
    }

    private void onText(String text) {
        ServerMessage message;
        try {
            message = codec.decodeServerMessage(text);
        } catch (WireFormatException e) {
            LOG.warn("ignoring an undecodable frame from {}: {}", url, e.getMessage());
            return;
        }
        if (message instanceof ServerMessage.Pong) {
            List<CompletableFuture<Void>> waiting = new ArrayList<>(pingWaiters);
            pingWaiters.clear();
            waiting.forEach(f -> f.complete(null));
        } else if (message instanceof ServerMessage.Chunk chunk) {
            WsPull pull = pullsById.get(chunk.requestId());
            if (pull != null) {
                pull.chunk(chunk.values());
            }
        } else if (message instanceof ServerMessage.Exit exit) {
            if (pushInFlight != null && exit.requestId().equals(pushInFlight.id)) {
                pushAnswered(pushInFlight, exit.outcome());
            } else {
                WsPull pull = pullsById.get(exit.requestId());
                if (pull != null) {
                    pull.exit(exit.outcome());
                }
            }
        } else if (message instanceof ServerMessage.Defect defect) {
            LOG.warn("the server at {} reported a protocol defect: {}", url, defect.message());
        }
    }
}
