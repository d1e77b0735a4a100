package dev.eventsync.vertx.server;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.SyncError;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.SyncService;
import dev.eventsync.vertx.wire.ClientMessage;
import dev.eventsync.vertx.wire.RpcCodec;
import dev.eventsync.vertx.wire.SyncRpc;
import dev.eventsync.vertx.wire.WireFormatException;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP sync request ({@code POST ?storeId=..&transport=http}): the body is one Effect RPC {@code Request},
 * the answer a JSON array of every {@code Chunk} and then the {@code Exit}. A pull's pages are streamed into the
 * array as they come, each one requested only while the response's write queue has room.
 */
final class HttpRpcExchange {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRpcExchange.class);

    private final HttpServerResponse response;
    private final Context context;
    private final SyncTarget target;
    private final CallContext callContext;
    private final SyncService service;
    private final RpcCodec codec;
    private final TransportMetrics metrics;
    private boolean first = true;
    private boolean ended;

    HttpRpcExchange(HttpServerResponse response, Context context, SyncTarget target, CallContext callContext,
                    SyncService service, RpcCodec codec, TransportMetrics metrics) {
        this.response = response;
        this.context = context;
        this.target = target;
        this.callContext = callContext;
        this.service = service;
        this.codec = codec;
        this.metrics = metrics;
    }

    /** The client went away: stop producing (called by the server's close handler of the response). */
    void peerClosed() {
        ended = true;
    }

    void handle(String body) {
        try {
            dispatch(body);
        } catch (RuntimeException e) {
            // a bug, not bad input (bad input is answered in dispatch): the request still gets an answer
            LOG.error("http {}: failed to handle a request", target.storeId(), e);
            if (first) {
                response.setStatusCode(500);
            }
            append(codec.defect("internal server error while handling the request; the server log has the details"));
            end();
        }
    }

    private void dispatch(String body) {
        response.putHeader("content-type", "application/json");
        response.setChunked(true);
        ClientMessage message;
        try {
            message = codec.decodeClientMessage(body);
        } catch (WireFormatException e) {
            metrics.badFrame(e.toError() instanceof SyncError.LimitExceeded ? "too_deep" : "malformed");
            LOG.debug("http {}: bad request: {}", target.storeId(), e.getMessage());
            failBadInput(e);
            return;
        }
        if (!(message instanceof ClientMessage.Request request)) {
            metrics.badFrame("not_a_request");
            response.setStatusCode(400);
            append(codec.defect("the body of an HTTP sync request must be one Request message"));
            end();
            return;
        }
        String id = request.id();
        Optional<SyncRpc.Kind> kind = SyncRpc.Kind.of(request.tag());
        if (kind.isEmpty()) {
            metrics.badFrame("unknown_rpc");
            fail(id, new SyncError.InvalidRequest("unknown RPC '" + request.tag()
                    + "': this server serves SyncHttpRpc.Pull, SyncHttpRpc.Push and SyncHttpRpc.Ping over HTTP"));
            return;
        }
        try {
            switch (kind.get()) {
                case PULL -> pull(id, SyncRpc.decodePull(request.payload()));
                case PUSH -> push(id, SyncRpc.decodePush(request.payload()), request.headers());
                case PING -> ping(id, SyncRpc.decodePing(request.payload()));
            }
        } catch (WireFormatException e) {
            metrics.badFrame("malformed");
            failBadInput(e.forRequest(id));
        }
    }

    private CallContext contextFor(String storeId, Optional<String> payload) throws WireFormatException {
        if (!storeId.equals(target.storeId().value())) {
            throw new WireFormatException("the URL names store '" + target.storeId() + "' but the request names '"
                    + storeId + "'");
        }
        return payload.isPresent() ? callContext.withPayload(payload) : callContext;
    }

    private void ping(String id, SyncRpc.PingRequest request) throws WireFormatException {
        CallContext ctx = contextFor(request.storeId(), request.payload());
        CompletionStage<Void> result;
        try {
            result = service.ping(ctx);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((v, failure) -> context.runOnContext(x -> {
            if (failure == null) {
                append(codec.exitSuccess(id, Optional.of(SyncRpc.PONG)));
            } else {
                append(codec.exitFailure(id, Failures.errorOf(failure, LOG, "http ping")));
            }
            end();
        }));
    }

    private void push(String id, SyncRpc.PushRequest request, java.util.List<java.util.Map.Entry<String, String>> headers)
            throws WireFormatException {
        CallContext ctx = contextFor(request.storeId(), request.payload());
        long start = System.nanoTime();
        CompletionStage<PushResult> result;
        try {
            result = service.push(ctx, request.batch(), request.backendId());
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((r, failure) -> context.runOnContext(x -> {
            long nanos = System.nanoTime() - start;
            if (failure == null) {
                metrics.pushSucceeded(target.storeId(), r, nanos, "http");
                append(codec.exitSuccess(id, Optional.of(SyncRpc.pushAck(r, headers))));
            } else {
                SyncError error = Failures.errorOf(failure, LOG, "http push " + target.storeId());
                metrics.pushFailed(error, nanos, "http");
                append(codec.exitFailure(id, error));
            }
            end();
        }));
    }

    private void pull(String id, SyncRpc.PullRequest request) throws WireFormatException {
        CallContext ctx = contextFor(request.storeId(), request.payload());
        // HTTP has no live stream: LiveStore's HTTP client polls with repeated non-live pulls
        Flow.Publisher<PullPage> pages = service.pull(ctx, request.cursor(), false);
        pages.subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;
            private boolean done;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                context.runOnContext(v -> {
                    subscription = s;
                    if (ended) {
                        s.cancel();
                    } else {
                        s.request(1);
                    }
                });
            }

            @Override
            public void onNext(PullPage page) {
                context.runOnContext(v -> {
                    if (done) {
                        return;
                    }
                    if (ended) {
                        done = true;
                        subscription.cancel();
                        return;
                    }
                    metrics.pullPage(target.storeId(), page, "http");
                    append(codec.chunk(id, page));
                    if (response.writeQueueFull()) {
                        response.drainHandler(d -> requestNext());
                    } else {
                        requestNext();
                    }
                });
            }

            private void requestNext() {
                if (ended) {
                    done = true;
                    subscription.cancel();
                } else {
                    subscription.request(1);
                }
            }

            @Override
            public void onError(Throwable failure) {
                context.runOnContext(v -> {
                    if (done) {
                        return;
                    }
                    done = true;
                    append(codec.exitFailure(id, Failures.errorOf(failure, LOG, "http pull " + target.storeId())));
                    end();
                });
            }

            @Override
            public void onComplete() {
                context.runOnContext(v -> {
                    if (done) {
                        return;
                    }
                    done = true;
                    append(codec.exitSuccess(id, Optional.empty()));
                    end();
                });
            }
        });
    }

    /** Answers a body over the soft frame limit with a {@code LimitExceeded} error for its request. */
    void refuseOversize(String body, int bytes, int limit) {
        refuse(body, new SyncError.LimitExceeded("maxFrameBytes", limit, bytes), 413);
    }

    /**
     * Answers a body that is not UTF-8 (RFC 8259 §8.1 requires it) with an {@code InvalidRequest} for its
     * request, never decoding it into U+FFFD replacement characters that would be stored.
     *
     * @param lossyBody the body decoded with replacement characters, only to find the request id
     */
    void refuseInvalidUtf8(String lossyBody, int byteOffset) {
        LOG.debug("http {}: body is not UTF-8 at byte {}", target.storeId(), byteOffset);
        refuse(lossyBody, new SyncError.InvalidRequest("the request body is not valid UTF-8 (first bad byte at offset "
                + byteOffset + "); send the Request as JSON text encoded in UTF-8"), 400);
    }

    /** Fails the body's request with {@code error}, or answers {@code status} with a Defect when it has no id. */
    private void refuse(String body, SyncError error, int status) {
        response.putHeader("content-type", "application/json");
        response.setChunked(true);
        Optional<String> id = codec.peekRequestId(body);
        if (id.isPresent()) {
            fail(id.get(), error);
        } else {
            response.setStatusCode(status);
            append(codec.defect(error.message()));
            end();
        }
    }

    private void failBadInput(WireFormatException e) {
        if (e.requestId().isPresent()) {
            fail(e.requestId().get(), e.toError());
        } else {
            response.setStatusCode(400);
            append(codec.defect("invalid message: " + e.getMessage()));
            end();
        }
    }

    private void fail(String id, SyncError error) {
        append(codec.exitFailure(id, error));
        end();
    }

    private void append(String message) {
        if (ended) {
            return;
        }
        response.write(first ? "[" + message : "," + message);
        first = false;
    }

    private void end() {
        if (!ended) {
            ended = true;
            response.end(first ? "[]" : "]");
        }
    }
}
