package dev.eventsync.vertx.client;

import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.wire.ServerMessage;
import dev.eventsync.vertx.wire.SyncRpc;
import dev.eventsync.vertx.wire.WireFormatException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Flow;

/**
 * The HTTP client, as LiveStore's {@code makeHttpSync}: every RPC is one {@code POST} whose answer is a JSON
 * array of messages. Pushes go one at a time in call order. A live pull is the first pull followed by a new pull
 * from the last delivered cursor every {@code pollInterval}, issued only while the subscriber has demand. The
 * connection state follows the outcome of the latest exchange and of a periodic ping.
 */
final class HttpSyncClient extends VertxClientBase {

    private final HttpClient http;
    private final ArrayDeque<Runnable> pushQueue = new ArrayDeque<>();
    private final java.util.Set<HttpPull> pulls = new java.util.HashSet<>();
    private boolean pushInFlight;
    private long pingTimerId = -1;

    HttpSyncClient(VertxClientSettings settings, Vertx vertx, ExecutorService callbacks, Runnable onClose) {
        super(settings, vertx, callbacks, onClose, false);
        this.http = vertx.createHttpClient(trusting(settings,
                new HttpClientOptions().setConnectTimeout(connectTimeoutMillis())));
    }

    @Override
    public CompletionStage<Void> ping() {
        CompletableFuture<Void> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            startPinging();
            call(SyncRpc.HTTP_PING, SyncRpc.encodePing(settings.storeId().value(), settings.payload()))
                    .onComplete(ar -> {
                        if (ar.failed()) {
                            result.completeExceptionally(ar.cause());
                        } else {
                            ServerMessage.Outcome outcome = exitOf(ar.result());
                            if (outcome instanceof ServerMessage.Failure f) {
                                result.completeExceptionally(new SyncErrorException(f.error()));
                            } else {
                                result.complete(null);
                            }
                        }
                    });
        });
        return async(result);
    }

    @Override
    public CompletionStage<PushResult> push(List<Event> batch, Optional<String> backendId) {
        List<Event> events = List.copyOf(batch);
        CompletableFuture<PushResult> result = new CompletableFuture<>();
        context.runOnContext(v -> {
            pushQueue.add(() -> call(SyncRpc.HTTP_PUSH, SyncRpc.encodePush(settings.storeId().value(),
                    settings.payload(), events, backendId), PushResults.REQUEST_HEADERS).onComplete(ar -> {
                        pushInFlight = false;
                        if (ar.failed()) {
                            result.completeExceptionally(ar.cause());
                        } else {
                            completePush(result, exitOf(ar.result()), events);
                        }
                        pumpPushes();
                    }));
            pumpPushes();
        });
        return async(result);
    }

    private void pumpPushes() {
        if (pushInFlight || pushQueue.isEmpty()) {
            return;
        }
        pushInFlight = true;
        pushQueue.poll().run();
    }

    @Override
    protected Flow.Publisher<PullPage> openPull(Optional<PullCursor> cursor, boolean live) {
        return subscriber -> context.runOnContext(v -> {
            HttpPull pull = startPull(subscriber, delivery -> new HttpPull(cursor, live, delivery));
            pulls.add(pull);
            pull.poll();
        });
    }

    /** One pull: one POST, or for a live pull a POST per poll from the last delivered cursor. */
    private final class HttpPull extends ClientPull {
        private boolean first = true;
        private boolean polling;
        private long timerId = -1;

        HttpPull(Optional<PullCursor> cursor, boolean live, PullDelivery delivery) {
            super(cursor, live, delivery);
        }

        void poll() {
            if (closed) {
                pulls.remove(this);
                delivery.fail(closedError());
                return;
            }
            if (delivery.isTerminated() || polling) {
                return;
            }
            polling = true;
            call(SyncRpc.HTTP_PULL, SyncRpc.encodePull(settings.storeId().value(), settings.payload(), false,
                    cursor, true)).onComplete(ar -> {
                        polling = false;
                        if (delivery.isTerminated()) {
                            return;
                        }
                        if (ar.failed()) {
                            if (live && !first && !closed) {
                                schedule(); // a live pull outlives an outage: it polls again later
                            } else {
                                pulls.remove(this);
                                delivery.fail(ar.cause());
                            }
                            return;
                        }
                        handle(ar.result());
                    });
        }

        private void handle(List<ServerMessage> messages) {
            for (ServerMessage m : messages) {
                if (m instanceof ServerMessage.Chunk chunk) {
                    for (PullPage page : chunk.values()) {
                        // after the first answer, a live pull only reports new events
                        if (first || !page.isEmpty()) {
                            delivery.offer(live && !first ? new PullPage(page.batch(), PageInfo.NO_MORE, page.backendId())
                                    : page);
                        }
                    }
                } else if (m instanceof ServerMessage.Exit exit) {
                    first = false;
                    if (exit.outcome() instanceof ServerMessage.Failure f) {
                        pulls.remove(this);
                        delivery.fail(new SyncErrorException(f.error()));
                        return;
                    }
                    if (!live) {
                        pulls.remove(this);
                        delivery.complete();
                        return;
                    }
                    schedule();
                    return;
                }
            }
            pulls.remove(this);
            delivery.fail(new SyncErrorException(new SyncError.Unknown("the server's answer to a pull had no Exit")));
        }

        private void schedule() {
            vertx.cancelTimer(timerId);
            timerId = vertx.setTimer(settings.pollInterval().toMillis(), t -> {
                timerId = -1;
                if (delivery.buffered() > 0 || !delivery.hasDemand()) {
                    schedule(); // back-pressure: no new poll until the subscriber took what it has
                } else {
                    poll();
                }
            });
        }

        @Override
        public void cancelled() {
            vertx.cancelTimer(timerId);
            pulls.remove(this);
        }
    }

    @Override
    public void close() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            closed = true;
            vertx.cancelTimer(pingTimerId);
            for (HttpPull pull : new java.util.ArrayList<>(pulls)) {
                pull.cancelled();
                pull.delivery.fail(closedError());
            }
            pulls.clear();
            endOpenPulls(closedError());
            states.set(ConnectionState.CLOSED);
            done.complete(null);
        });
        finishClosing(done, http::close);
    }

    private void startPinging() {
        if (pingTimerId >= 0 || closed) {
            return;
        }
        pingTimerId = vertx.setPeriodic(settings.pingInterval().toMillis(), t ->
                call(SyncRpc.HTTP_PING, SyncRpc.encodePing(settings.storeId().value(), settings.payload())));
    }

    // ---------------------------------------------------------------- one exchange

    /** POSTs one request; fails with a {@link SyncErrorException} when the exchange itself fails. */
    private Future<List<ServerMessage>> call(String tag, String payload) {
        return call(tag, payload, List.of());
    }

    private Future<List<ServerMessage>> call(String tag, String payload, List<Map.Entry<String, String>> rpcHeaders) {
        if (closed) {
            return Future.failedFuture(closedError());
        }
        String id = nextId();
        String body = codec.request(id, tag, payload, rpcHeaders);
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .setTimeout(settings.requestTimeout().toMillis())
                .putHeader("content-type", "application/json")
                .putHeader("x-livestore-store-id", settings.storeId().value());
        settings.headers().forEach(options::putHeader);
        return http.request(options)
                .compose(req -> req.send(body))
                .compose(resp -> resp.body().map(b -> new Object[] {resp.statusCode(), b.toString()}))
                .transform(ar -> {
                    if (ar.failed()) {
                        if (!closed) {
                            states.set(ConnectionState.DISCONNECTED);
                        }
                        return Future.failedFuture(new SyncErrorException(new SyncError.Unavailable(
                                "cannot reach " + url + ": " + ar.cause().getMessage())));
                    }
                    int status = (Integer) ar.result()[0];
                    String text = (String) ar.result()[1];
                    if (status != 200) {
                        return Future.failedFuture(new SyncErrorException(statusError(status, "HTTP " + status + " from "
                                + url + (text.isBlank() ? "" : ": " + text.trim()))));
                    }
                    states.set(ConnectionState.CONNECTED);
                    try {
                        return Future.succeededFuture(codec.decodeServerMessages(text));
                    } catch (WireFormatException e) {
                        return Future.failedFuture(new SyncErrorException(new SyncError.Unknown(
                                "unreadable answer from " + url + ": " + e.getMessage())));
                    }
                });
    }

    private static ServerMessage.Outcome exitOf(List<ServerMessage> messages) {
        for (ServerMessage m : messages) {
            if (m instanceof ServerMessage.Exit exit) {
                return exit.outcome();
            }
        }
        return new ServerMessage.Failure(new SyncError.Unknown("the server's answer had no Exit"));
    }
}
