package dev.eventsync.vertx.dispatch;

import static dev.eventsync.api.json.JsonText.abbreviate;

import dev.eventsync.api.Event;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.SyncService;
import dev.eventsync.vertx.wire.ClientMessage;
import dev.eventsync.vertx.wire.RpcCodec;
import dev.eventsync.vertx.wire.SyncRpc;
import dev.eventsync.vertx.wire.WireFormatException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one request pipeline of the Vert.x transport, shared by the WebSocket connection and the HTTP exchange:
 * it turns a decoded RPC {@code Request} plus the connection's {@link CallContext} into a {@link Call}, runs it
 * against the {@link SyncService} and answers with encoded messages ({@code Chunk}s and one {@code Exit}).
 * The transports keep only their framing, pacing and back-pressure.
 *
 * <p>Every answer comes back on the caller's event loop ({@link Future#fromCompletionStage(CompletionStage,
 * Context)}); nothing here blocks. The {@code CallContext} a push or pull sees is the same on both transports:
 * the connection's (store, sync payload, headers, remote address, transport), the request's own sync payload
 * if it sent one, and, for a push, the client and session of its first event.
 */
public final class RequestDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final SyncService service;
    private final RpcCodec codec;
    private final TransportMetrics metrics;

    public RequestDispatcher(SyncService service, RpcCodec codec, TransportMetrics metrics) {
        this.service = Objects.requireNonNull(service, "service");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public RpcCodec codec() {
        return codec;
    }

    public TransportMetrics metrics() {
        return metrics;
    }

    /** A decoded request, ready to run; or the refusal to send instead. */
    public sealed interface Call {
        /** The request id. */
        String id();

        /** A push: the batch travels as decoded; {@code requestHeaders} choose the ack's shape. */
        record Push(String id, SyncRpc.PushRequest request, CallContext context,
                    List<Map.Entry<String, String>> requestHeaders) implements Call {
        }

        /** A pull; {@code live} is false on HTTP whatever the request says (HTTP clients poll). */
        record Pull(String id, SyncRpc.PullRequest request, CallContext context, boolean live) implements Call {
        }

        /** A ping (HTTP {@code SyncHttpRpc.Ping}). */
        record Ping(String id, CallContext context) implements Call {
        }

        /** The request cannot run: {@code exit} is the encoded failure to send; {@code badFrame} the metric reason. */
        record Refused(String id, String exit, String badFrame) implements Call {
        }
    }

    /**
     * What a transport does with the calls it frames; {@link #route} picks the method. Called on the connection's
     * event loop.
     */
    public interface Framing {
        /** Sends an encoded {@code Exit} now: a refusal, or the answer to a ping. */
        void answer(String exit);

        /** A push to run when the transport's push order allows it (see {@link #push}). */
        void push(Call.Push push);

        /** A pull to start with the transport's {@link PullSink} (see {@link #pull}). */
        void pull(Call.Pull pull);
    }

    /**
     * The answer to input that cannot run: {@code message} is an encoded {@code Exit} for its request when the
     * request id could be read ({@code forRequest}), else a {@code Defect}, which HTTP sends with an error status.
     */
    public record Refusal(String message, boolean forRequest) {
    }

    // ---------------------------------------------------------------- connection level

    /** Runs the authenticators for a new connection (WebSocket) or request (HTTP), answering on {@code context}. */
    public Future<AuthResult.Allowed> authorize(CallContext callContext, Context context) {
        return Future.fromCompletionStage(call(() -> service.authorize(callContext)), context);
    }

    /** The service's health check (for the transport's health endpoint, which bounds how long it waits). */
    public CompletionStage<SyncService.Health> checkHealth() {
        return call(service::health);
    }

    // ---------------------------------------------------------------- decoding

    /**
     * Decodes the RPC of {@code request} for a connection serving {@code connection.storeId()}: the RPC tag, its
     * payload, the store it names, and the {@link CallContext} the call runs with.
     */
    public Call decode(ClientMessage.Request request, CallContext connection, Transport transport) {
        String id = request.id();
        Optional<SyncRpc.Kind> kind = SyncRpc.Kind.of(request.tag());
        if (kind.isEmpty()) {
            return new Call.Refused(id, codec.exitFailure(id, new SyncError.InvalidRequest("unknown RPC '"
                    + abbreviate(request.tag()) + "': this server serves " + transport.serves())), "unknown_rpc");
        }
        try {
            return switch (kind.get()) {
                case PUSH -> {
                    SyncRpc.PushRequest push = request.decodedPush().isPresent() ? request.decodedPush().get()
                            : SyncRpc.decodePush(request.payload());
                    CallContext ctx = contextFor(connection, push.storeId(), push.payload(), transport);
                    if (!push.batch().isEmpty()) {
                        Event first = push.batch().get(0);
                        ctx = ctx.withCaller(Optional.of(first.clientId()), Optional.of(first.sessionId()));
                    }
                    yield new Call.Push(id, push, ctx, request.headers());
                }
                case PULL -> {
                    SyncRpc.PullRequest pull = SyncRpc.decodePull(request.payload());
                    yield new Call.Pull(id, pull, contextFor(connection, pull.storeId(), pull.payload(), transport),
                            transport == Transport.WS && pull.live());
                }
                case PING -> {
                    SyncRpc.PingRequest ping = SyncRpc.decodePing(request.payload());
                    yield new Call.Ping(id, contextFor(connection, ping.storeId(), ping.payload(), transport));
                }
            };
        } catch (WireFormatException e) {
            LOG.debug("{} store {}: bad request {}: {}", transport.label(), connection.storeId(), id, e.getMessage());
            SyncError error = e.toError();
            return new Call.Refused(id, codec.exitFailure(id, error), badFrameReason(error));
        }
    }

    /**
     * Decodes {@code request} ({@link #decode}) and hands it on: a refusal is counted as a bad frame and answered
     * at once, a ping runs and is answered when it completes, a push or a pull goes to {@code framing}, which owns
     * their pacing.
     */
    public void route(ClientMessage.Request request, CallContext connection, Transport transport, Context context,
                      String label, Framing framing) {
        Call call = decode(request, connection, transport);
        if (call instanceof Call.Refused refused) {
            metrics.badFrame(refused.badFrame());
            framing.answer(refused.exit());
        } else if (call instanceof Call.Ping ping) {
            ping(ping, context, label).onSuccess(framing::answer);
        } else if (call instanceof Call.Push push) {
            framing.push(push);
        } else if (call instanceof Call.Pull pull) {
            framing.pull(pull);
        }
    }

    /**
     * Refuses a message that could not be decoded: counts it ({@code too_deep} or {@code malformed}) and answers
     * its request with the error when the decoder found the request id, else with a {@code Defect}.
     */
    public Refusal refuseUnreadable(WireFormatException e, String label) {
        SyncError error = e.toError();
        metrics.badFrame(badFrameReason(error));
        LOG.debug("{}: bad input: {}", label, e.getMessage());
        return e.requestId().isPresent() ? new Refusal(codec.exitFailure(e.requestId().get(), error), true)
                : new Refusal(codec.defect("invalid message: " + e.getMessage()), false);
    }

    /**
     * Refuses {@code text}, a message refused before decoding (too large, not UTF-8), with {@code error}: for its
     * request when a request id can be read from it, else with a {@code Defect} carrying the error's message. The
     * caller counts it.
     */
    public Refusal refuse(String text, SyncError error) {
        Optional<String> id = codec.peekRequestId(text);
        return id.isPresent() ? new Refusal(codec.exitFailure(id.get(), error), true)
                : new Refusal(codec.defect(error.message()), false);
    }

    private static String badFrameReason(SyncError decodingError) {
        return decodingError instanceof SyncError.LimitExceeded ? "too_deep" : "malformed";
    }

    private static CallContext contextFor(CallContext connection, String storeId, Optional<String> payload,
                                          Transport transport) throws WireFormatException {
        StoreId served = connection.storeId();
        if (!storeId.equals(served.value())) {
            throw new WireFormatException(transport == Transport.WS
                    ? "this connection serves store '" + served + "' but the request names '" + abbreviate(storeId)
                            + "'; open one connection per store"
                    : "the URL names store '" + served + "' but the request names '" + abbreviate(storeId) + "'");
        }
        return payload.isPresent() ? connection.withPayload(payload) : connection;
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs a push; completes on {@code context} with its encoded {@code Exit}, after recording its metrics (the
     * latency counts from {@code receivedNanos}, a {@link System#nanoTime()} when the request arrived).
     */
    public Future<String> push(Call.Push call, Context context, Transport transport, String label,
                               long receivedNanos) {
        long start = receivedNanos;
        StoreId storeId = call.context().storeId();
        return Future.fromCompletionStage(call(() -> service.push(call.context(), call.request().batch(),
                call.request().backendId())), context).transform(ar -> {
                    long nanos = System.nanoTime() - start;
                    if (ar.succeeded()) {
                        PushResult result = ar.result();
                        metrics.pushSucceeded(storeId, result, nanos, transport.label());
                        return Future.succeededFuture(codec.exitSuccess(call.id(),
                                Optional.of(SyncRpc.pushAck(result, call.requestHeaders()))));
                    }
                    SyncError error = Failures.errorOf(ar.cause(), LOG, label + ": push " + call.id());
                    metrics.pushFailed(error, nanos, transport.label());
                    return Future.succeededFuture(codec.exitFailure(call.id(), error));
                });
    }

    /** Runs a ping; completes on {@code context} with its encoded {@code Exit}. */
    public Future<String> ping(Call.Ping call, Context context, String label) {
        return Future.fromCompletionStage(call(() -> service.ping(call.context())), context).transform(ar ->
                Future.succeededFuture(ar.succeeded() ? codec.exitSuccess(call.id(), Optional.of(SyncRpc.PONG))
                        : codec.exitFailure(call.id(), Failures.errorOf(ar.cause(), LOG, label + ": ping"))));
    }

    /**
     * Starts a pull whose encoded messages go to {@code sink}, paced by it; returns the relay the framing
     * pumps (on acks, on drain) and cancels.
     */
    public PullRelay pull(Call.Pull call, Context context, Transport transport, PullSink sink, String label) {
        PullRelay relay = new PullRelay(call.id(), call.live(), call.context().storeId(), context, codec, metrics,
                transport, sink, label);
        try {
            service.pull(call.context(), call.request().cursor(), call.live()).subscribe(relay);
        } catch (RuntimeException e) {
            relay.onError(e);
        }
        return relay;
    }

    /** A service call whose synchronous throw becomes a failed stage, so that every failure is answered. */
    private static <T> CompletionStage<T> call(Supplier<CompletionStage<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
