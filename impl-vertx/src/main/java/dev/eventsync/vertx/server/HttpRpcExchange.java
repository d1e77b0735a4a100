package dev.eventsync.vertx.server;

import dev.eventsync.api.SyncError;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.vertx.dispatch.PullRelay;
import dev.eventsync.vertx.dispatch.PullSink;
import dev.eventsync.vertx.dispatch.RequestDispatcher;
import dev.eventsync.vertx.dispatch.RequestDispatcher.Call;
import dev.eventsync.vertx.dispatch.Transport;
import dev.eventsync.vertx.dispatch.TransportMetrics;
import dev.eventsync.vertx.wire.ClientMessage;
import dev.eventsync.vertx.wire.RpcCodec;
import dev.eventsync.vertx.wire.WireFormatException;
import io.vertx.core.Context;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.vertx.VertxSettings;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP sync request ({@code POST ?storeId=..&transport=http}): the HTTP framing of the sync-cf RPCs. The
 * body is one Effect RPC {@code Request}, run through the shared {@link RequestDispatcher}; the answer is a JSON
 * array of every {@code Chunk} and then the {@code Exit}. A pull's pages are streamed into the array as they
 * come, each one requested only while the response's write queue has room.
 */
final class HttpRpcExchange implements PullSink {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRpcExchange.class);

    private final HttpServerResponse response;
    private final Context context;
    private final CallContext callContext;
    private final RequestDispatcher dispatcher;
    private final RpcCodec codec;
    private final TransportMetrics metrics;
    private final String label;
    private PullRelay pull;
    private boolean first = true;
    private boolean ended;

    HttpRpcExchange(HttpServerResponse response, Context context, CallContext callContext,
                    RequestDispatcher dispatcher) {
        this.response = response;
        this.context = context;
        this.callContext = callContext;
        this.dispatcher = dispatcher;
        this.codec = dispatcher.codec();
        this.metrics = dispatcher.metrics();
        this.label = "http " + callContext.remote().orElse("?") + " store " + callContext.storeId();
    }

    /**
     * Reads the body of an authorized HTTP sync request (bounded by the hard frame limit, UTF-8 required) and
     * answers it with a new exchange; the request is paused until then.
     */
    static void accept(HttpServerRequest request, CallContext callContext, Context context,
                       RequestDispatcher dispatcher, VertxSettings settings) {
        TransportMetrics metrics = dispatcher.metrics();
        HttpServerResponse response = request.response();
        response.setWriteQueueMaxSize(settings.writeQueueMaxBytes());
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && parseLong(length) > settings.hardFrameLimit()) {
            metrics.badFrame("oversize");
            request.resume();
            SyncHttpServer.plain(response, 413, "request body of " + length + " bytes exceeds the limit of "
                    + settings.maxFrameBytes() + " bytes");
            return;
        }
        metrics.httpStarted();
        boolean[] counted = {true};
        Runnable ended = () -> {
            if (counted[0]) {
                counted[0] = false;
                metrics.httpEnded();
            }
        };
        HttpRpcExchange exchange = new HttpRpcExchange(response, context, callContext, dispatcher);
        response.endHandler(v -> ended.run());
        response.closeHandler(v -> {
            exchange.peerClosed();
            ended.run();
        });
        Buffer body = Buffer.buffer();
        boolean[] tooBig = {false};
        request.handler(chunk -> {
            if (tooBig[0]) {
                return;
            }
            if (body.length() + chunk.length() > settings.hardFrameLimit()) {
                tooBig[0] = true;
                metrics.badFrame("oversize");
                SyncHttpServer.plain(response, 413, "request body exceeds the limit of " + settings.maxFrameBytes() + " bytes");
                request.connection().close();
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (tooBig[0]) {
                return;
            }
            if (body.length() > settings.maxFrameBytes()) {
                metrics.badFrame("oversize");
                exchange.refuseOversize(body.toString(), body.length(), settings.maxFrameBytes());
                return;
            }
            byte[] bytes = body.getBytes();
            String text;
            try {
                text = ProtocolJson.decodeUtf8(bytes, 0, bytes.length);
            } catch (ProtocolJson.InvalidUtf8Exception e) {
                metrics.badFrame("invalid_utf8");
                exchange.refuseInvalidUtf8(body.toString(), e.byteOffset());
                return;
            }
            exchange.handle(text);
        });
        request.resume();
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The client went away: stop producing (called by the server's close handler of the response). */
    void peerClosed() {
        ended = true;
        if (pull != null) {
            pull.cancel();
        }
    }

    void handle(String body) {
        try {
            dispatch(body);
        } catch (RuntimeException e) {
            // a bug, not bad input (bad input is answered in dispatch): the request still gets an answer
            LOG.error("{}: failed to handle a request", label, e);
            if (first) {
                response.setStatusCode(500);
            }
            append(codec.defect("internal server error while handling the request; the server log has the details"));
            end();
        }
    }

    private void dispatch(String body) {
        long received = System.nanoTime();
        startResponse();
        ClientMessage message;
        try {
            message = codec.decodeClientMessage(body);
        } catch (WireFormatException e) {
            answer(dispatcher.refuseUnreadable(e, label), 400);
            return;
        }
        if (!(message instanceof ClientMessage.Request request)) {
            metrics.badFrame("not_a_request");
            response.setStatusCode(400);
            append(codec.defect("the body of an HTTP sync request must be one Request message"));
            end();
            return;
        }
        dispatcher.route(request, callContext, Transport.HTTP, context, label, new RequestDispatcher.Framing() {
            @Override
            public void answer(String message) {
                exit(message);
            }

            @Override
            public void push(Call.Push push) {
                dispatcher.push(push, context, Transport.HTTP, label, received).onSuccess(HttpRpcExchange.this::exit);
            }

            @Override
            public void pull(Call.Pull call) {
                pull = dispatcher.pull(call, context, Transport.HTTP, HttpRpcExchange.this, label);
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
        LOG.debug("{}: body is not UTF-8 at byte {}", label, byteOffset);
        refuse(lossyBody, new SyncError.InvalidRequest("the request body is not valid UTF-8 (first bad byte at offset "
                + byteOffset + "); send the Request as JSON text encoded in UTF-8"), 400);
    }

    /** Fails the body's request with {@code error}, or answers {@code status} with a Defect when it has no id. */
    private void refuse(String body, SyncError error, int status) {
        startResponse();
        answer(dispatcher.refuse(body, error), status);
    }

    /** Sends a refusal: the Exit of its request, or its Defect with HTTP {@code status}. */
    private void answer(RequestDispatcher.Refusal refusal, int status) {
        if (!refusal.forRequest()) {
            response.setStatusCode(status);
        }
        exit(refusal.message());
    }

    // ---------------------------------------------------------------- PullSink: paced by the write queue

    @Override
    public boolean mayRequest() {
        if (ended) {
            return false;
        }
        if (response.writeQueueFull()) {
            response.drainHandler(d -> {
                if (pull != null) {
                    pull.pump();
                }
            });
            return false;
        }
        return true;
    }

    @Override
    public void chunk(String message) {
        append(message);
    }

    @Override
    public void exit(String exit) {
        append(exit);
        end();
    }

    @Override
    public void liveEnded() {
        end(); // never happens: HTTP pulls are not live
    }

    // ---------------------------------------------------------------- framing

    private void startResponse() {
        response.putHeader("content-type", "application/json");
        response.setChunked(true);
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
