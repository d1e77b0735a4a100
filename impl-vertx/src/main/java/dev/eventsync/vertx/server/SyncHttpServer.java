package dev.eventsync.vertx.server;

import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.json.JsonText;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.SyncService;
import dev.eventsync.vertx.HttpRoutes;
import dev.eventsync.vertx.VertxSettings;
import dev.eventsync.vertx.dispatch.Failures;
import dev.eventsync.vertx.dispatch.RequestDispatcher;
import dev.eventsync.vertx.dispatch.Transport;
import dev.eventsync.vertx.dispatch.TransportMetrics;
import dev.eventsync.vertx.wire.RpcCodec;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server behind {@link dev.eventsync.vertx.VertxSyncServer}: routes sync requests (recognised by their
 * query parameters on any path) to WebSocket connections or HTTP exchanges, serves health and metrics, and runs
 * the graceful shutdown. Authentication happens before a WebSocket upgrade (a denial is a 403 with the reason)
 * and on every HTTP request.
 */
public final class SyncHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(SyncHttpServer.class);
    private static final int MAX_REQUEST_LINE = 64 * 1024;

    private final RequestDispatcher dispatcher;
    private final VertxSettings settings;
    private final PrometheusMeterRegistry registry;
    private final TransportMetrics metrics;
    private final Optional<Vertx> givenVertx;
    private final List<HttpRoutes> routes;
    private final Set<WsConnection> connections = ConcurrentHashMap.newKeySet();
    private final ConnectionGate gate;
    private final HealthCheck healthCheck;

    private Vertx vertx;
    private EventLoopServers httpServers;
    /** The start under way, until its servers listen or it fails. */
    private CompletableFuture<Integer> starting;
    private JvmMetrics jvmMetrics;
    private volatile boolean stopping;
    private volatile int port = -1;

    public SyncHttpServer(SyncService service, VertxSettings settings, PrometheusMeterRegistry registry,
                          Optional<Vertx> vertx, List<HttpRoutes> routes) {
        this.routes = List.copyOf(routes);
        this.settings = settings;
        this.registry = registry;
        this.metrics = new TransportMetrics(registry, settings.storeHeadMetrics(), settings.maxStoreHeadMetrics());
        this.dispatcher = new RequestDispatcher(service, new RpcCodec(settings.causeFormat(), settings.maxJsonDepth()),
                metrics);
        this.gate = new ConnectionGate(settings, metrics);
        this.healthCheck = new HealthCheck(dispatcher::checkHealth, settings.healthTimeout());
        this.givenVertx = vertx;
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    public int port() {
        if (port < 0) {
            throw new IllegalStateException("the server is not started");
        }
        return port;
    }

    public synchronized CompletionStage<Integer> start() {
        if (httpServers != null || starting != null) {
            return CompletableFuture.failedFuture(new IllegalStateException("the server is already started"));
        }
        // an own Vert.x has exactly the event loops that serve connections, as many as asked
        vertx = givenVertx.orElseGet(() -> Vertx.vertx(new VertxOptions().setEventLoopPoolSize(settings.eventLoops())));
        stopping = false; // a stopped server may be started again
        jvmMetrics = new JvmMetrics(registry);
        HttpServerOptions options = new HttpServerOptions()
                .setHost(settings.host())
                .setPort(settings.port())
                .setMaxWebSocketFrameSize(settings.hardFrameLimit())
                .setMaxWebSocketMessageSize(settings.hardFrameLimit())
                // the sync payload (for example a JWT) travels twice percent-encoded in the request line
                .setMaxInitialLineLength(MAX_REQUEST_LINE)
                .setMaxHeaderSize(MAX_REQUEST_LINE)
                // a safety net for half-open TCP connections; WebSockets get their own, protocol-aware idle timeout
                .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis() * 2))
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
                .setRegisterWebSocketWriteHandlers(false)
                // permessage-deflate (RFC 7692) when enabled, with inflation bounded by ConnectionGate; never the
                // obsolete per-frame draft
                .setPerMessageWebSocketCompressionSupported(settings.webSocketCompression())
                .setPerFrameWebSocketCompressionSupported(false)
                // HTTP/1.1 only (what LiveStore speaks): with h2c detection a connection is only seen after its first
                // bytes, so idle sockets would escape the connection limits
                .setHttp2ClearTextEnabled(false);
        settings.tls().ifPresent(tls -> options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(tls.certificateChain().toString()).setKeyPath(tls.privateKey().toString())));
        Router router = Router.router(vertx);
        router.route().handler(this::admit);
        router.route().failureHandler(this::failed);
        Optional<CorsPolicy> cors = settings.corsAllowedOrigins().isEmpty() ? Optional.empty()
                : Optional.of(new CorsPolicy(settings.corsAllowedOrigins(), settings.tls().isPresent()));
        cors.ifPresent(c -> c.mountHeaders(router));
        routes.forEach(r -> r.mount(router, vertx));
        cors.ifPresent(c -> c.mountRefusal(router));
        router.route().handler(this::routeSync);
        new OperationsEndpoints(settings, registry, metrics, healthCheck, connections::size, () -> stopping)
                .mount(router);
        router.get("/").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end("Eventsync sync server. Point a LiveStore client at this URL: makeWsSync({ url }) or "
                        + "makeHttpSync({ url }). Health: GET /health, metrics: GET /metrics.\n"));
        router.route().last().handler(ctx -> plain(ctx.response(), 404, "no such endpoint: " + ctx.request().path()
                + "; sync requests need ?storeId=<store>&transport=ws|http, other endpoints are /health and /metrics"));
        Vertx owner = vertx;
        CompletableFuture<Integer> started = new CompletableFuture<>();
        starting = started;
        EventLoopServers.listen(vertx, settings.eventLoops(), options, c -> gate.onConnection(c, owner),
                request -> handle(request, router)).onComplete(ar -> {
            synchronized (this) {
                starting = null;
                if (ar.succeeded()) {
                    httpServers = ar.result();
                    port = httpServers.port();
                }
            }
            if (ar.succeeded()) {
                LOG.info("Eventsync Vert.x transport listening on {}:{}{} on {} event loop(s) (at most {} connections, "
                        + "{} per address)", settings.host(), port, settings.tls().isPresent() ? " (TLS)" : "",
                        settings.eventLoops(), gate.maxConnections(), settings.maxConnectionsPerAddress());
                started.complete(port);
            } else {
                // the caller reports the failure (the server exits with one line): no stack trace here
                LOG.debug("Eventsync Vert.x transport could not listen on {}:{}: {}", settings.host(),
                        settings.port(), ar.cause().toString());
                jvmMetrics.close();
                closeOwnVertx().onComplete(x -> started.completeExceptionally(ar.cause()));
            }
        });
        return started;
    }

    /** The request handler of every event loop's server: refuses what the router must not see, routes the rest. */
    private void handle(HttpServerRequest request, Router router) {
        // the router decodes the path before any route runs, and fails a bad %-escape with an ERROR and a stack
        // trace: refuse it here, as the client's mistake it is
        String path = request.path();
        if (path != null && !hasValidEscapes(path)) {
            metrics.connectionRejected("bad_request");
            LOG.debug("malformed path in {}", uri(request));
            String problem = "malformed path: every % must start an escape such as %20";
            if (routes.stream().noneMatch(r -> r.refuseMalformed(request, problem))) {
                plain(request.response(), 400, problem);
            }
            return;
        }
        if (request.headers().getAll(HttpHeaders.ORIGIN).size() > 1) {
            // a browser sends one Origin; with several, which one CORS and same-origin checks would judge is the
            // server's guess: refuse instead of guessing
            metrics.connectionRejected("bad_request");
            String problem = "several Origin headers: send at most one";
            if (routes.stream().noneMatch(r -> r.refuseMalformed(request, problem))) {
                plain(request.response(), 400, problem);
            }
            return;
        }
        router.handle(request);
    }

    /**
     * Stops accepting, lets in-flight pushes finish within {@code grace}, closes every WebSocket (on every event
     * loop) with 1001 and a reason, then closes the listeners (and the own Vert.x). Stopping a stopped server does
     * nothing; a stopped server may be started again.
     */
    public synchronized CompletionStage<Void> stop(Duration grace) {
        EventLoopServers servers = httpServers;
        if (servers == null && starting != null) {
            // a stop during the start stops what the start brings up
            return starting.handle((port, failure) -> null).thenCompose(x -> stop(grace));
        }
        if (servers == null) {
            return CompletableFuture.completedFuture(null);
        }
        httpServers = null;
        stopping = true;
        jvmMetrics.close();
        routes.forEach(HttpRoutes::stopping);
        LOG.info("Eventsync Vert.x transport stopping: {} WebSocket connection(s), grace {}", connections.size(), grace);
        for (WsConnection c : connections) {
            c.context().runOnContext(v -> c.beginShutdown());
        }
        Vertx own = givenVertx.isPresent() ? null : vertx;
        return servers.shutdown(grace)
                .toCompletionStage()
                .handle((v, failure) -> {
                    if (failure != null) {
                        LOG.warn("the HTTP server did not shut down cleanly", failure);
                    }
                    return null;
                })
                // closing Vert.x from one of its own threads would never report back: do it from another one
                .thenComposeAsync(v -> own == null ? CompletableFuture.<Void>completedFuture(null)
                        : own.close().toCompletionStage())
                .thenRun(() -> {
                    port = -1;
                    LOG.info("Eventsync Vert.x transport stopped");
                });
    }

    private Future<Void> closeOwnVertx() {
        return givenVertx.isPresent() ? Future.succeededFuture() : vertx.close();
    }

    // ---------------------------------------------------------------- routing

    /**
     * Refuses requests on a connection over a connection limit with 503 and closes it; {@code /health} is still
     * answered there (and the connection closed after it), so the node stays observable.
     */
    private void admit(RoutingContext ctx) {
        Optional<String> refusal = gate.refusal(ctx.request());
        if (refusal.isEmpty()) {
            ctx.next();
            return;
        }
        HttpServerRequest request = ctx.request();
        request.response().putHeader(HttpHeaders.CONNECTION, "close");
        request.response().endHandler(v -> ConnectionGate.close(request.connection()));
        String path = request.path();
        if ("/health".equals(path) || (path != null && path.startsWith("/health/"))) {
            ctx.next();
            return;
        }
        plain(request.response(), 503, refusal.get());
    }

    /**
     * The router's last resort: a request the routes could not handle. A malformed request (an undecodable query or
     * path) is the client's mistake, answered 400 and logged in one line at DEBUG; anything else is a bug, logged
     * with its stack trace and answered 500.
     */
    private void failed(RoutingContext ctx) {
        Throwable failure = ctx.failure();
        HttpServerResponse response = ctx.response();
        if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            // a handler refused the request (for example CORS with a foreign origin)
            LOG.debug("request {} refused with {}: {}", uri(ctx.request()), ctx.statusCode(),
                    failure == null ? "" : failure.getMessage());
            plain(response, ctx.statusCode(), failure == null || failure.getMessage() == null
                    ? "request refused" : failure.getMessage());
        } else if (failure instanceof IllegalArgumentException) {
            metrics.connectionRejected("bad_request");
            LOG.debug("bad request {}: {}", uri(ctx.request()), failure.getMessage());
            plain(response, 400, "malformed request: " + failure.getMessage());
        } else if (failure != null) {
            metrics.connectionRejected("error");
            LOG.error("request {} failed", uri(ctx.request()), failure);
            plain(response, 500, "internal server error; the server log has the details");
        } else {
            plain(response, ctx.statusCode() > 0 ? ctx.statusCode() : 500, "request failed");
        }
    }

    private void routeSync(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        io.vertx.core.MultiMap params;
        try {
            params = request.params();
        } catch (RuntimeException e) {
            // for example a malformed %-escape: the client's mistake, answered before authentication
            metrics.connectionRejected("bad_request");
            LOG.debug("malformed query string in {}: {}", uri(request), e.getMessage());
            plain(request.response(), 400, "malformed query string: " + e.getMessage()
                    + "; percent-encode each parameter value (a literal % is %25)");
            return;
        }
        if (!SyncTarget.isSyncRequest(params)) {
            ctx.next();
            return;
        }
        SyncTarget target;
        try {
            target = SyncTarget.parse(params);
        } catch (SyncTarget.BadTarget e) {
            metrics.connectionRejected("bad_request");
            plain(request.response(), e.status(), e.getMessage());
            return;
        }
        boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE));
        if (target.transport() == Transport.WS && !upgrade) {
            metrics.connectionRejected("bad_request");
            plain(request.response(), 426, "transport=ws needs a WebSocket upgrade request (Upgrade: websocket); "
                    + "use transport=http for plain HTTP POSTs");
            return;
        }
        if (target.transport() == Transport.HTTP && upgrade) {
            metrics.connectionRejected("bad_request");
            plain(request.response(), 400, "a WebSocket upgrade needs transport=ws");
            return;
        }
        if (target.transport() == Transport.HTTP && request.method() != HttpMethod.POST) {
            metrics.connectionRejected("bad_request");
            request.response().putHeader(HttpHeaders.ALLOW, "POST");
            plain(request.response(), 405, "transport=http takes one Effect RPC Request per POST");
            return;
        }
        if (stopping) {
            metrics.connectionRejected("shutting_down");
            plain(request.response(), 503, "the server is shutting down; retry shortly");
            return;
        }
        CallContext callContext = new CallContext(target.storeId(), target.payload(), headersOf(request),
                Optional.empty(), Optional.empty(), target.transport().label(),
                Optional.ofNullable(request.remoteAddress()).map(Object::toString));
        Context context = Vertx.currentContext();
        request.pause();
        dispatcher.authorize(callContext, context).onComplete(ar -> {
            if (ar.failed()) {
                refuse(request, ar.cause());
            } else if (target.transport() == Transport.WS) {
                upgrade(request, target, callContext, ar.result().expiresAt(), context);
            } else {
                HttpRpcExchange.accept(request, callContext, context, dispatcher, settings);
            }
        });
    }

    private void refuse(HttpServerRequest request, Throwable failure) {
        Optional<SyncError> error = SyncErrorException.errorOf(failure);
        int status;
        String reason;
        if (error.isPresent() && error.get() instanceof SyncError.Unauthorized) {
            status = 403;
            metrics.connectionRejected("unauthorized");
        } else if (error.isPresent() && error.get() instanceof SyncError.Unavailable) {
            status = 503;
            metrics.connectionRejected("unavailable");
        } else if (error.isPresent()) {
            status = 400;
            metrics.connectionRejected("bad_request");
        } else {
            status = 500;
            metrics.connectionRejected("error");
        }
        reason = Failures.errorOf(failure, LOG, "authorization").message();
        request.resume();
        plain(request.response(), status, reason);
    }

    private void upgrade(HttpServerRequest request, SyncTarget target, CallContext callContext,
                         Optional<Instant> credentialExpiresAt, Context context) {
        if (stopping) {
            metrics.connectionRejected("shutting_down");
            request.resume();
            plain(request.response(), 503, "the server is shutting down; retry shortly");
            return;
        }
        request.toWebSocket().onComplete(ar -> {
            if (ar.failed()) {
                LOG.debug("WebSocket upgrade for store {} failed: {}", target.storeId(), ar.cause().toString());
                return;
            }
            ServerWebSocket socket = ar.result();
            WsConnection[] holder = new WsConnection[1];
            WsConnection connection = new WsConnection(socket, context, vertx, callContext, credentialExpiresAt,
                    dispatcher, settings, () -> connections.remove(holder[0]));
            holder[0] = connection;
            connections.add(connection);
            connection.start();
            if (stopping) {
                connection.beginShutdown();
            }
        });
    }

    // ---------------------------------------------------------------- helpers

    private static Map<String, List<String>> headersOf(HttpServerRequest request) {
        Map<String, List<String>> headers = new HashMap<>();
        request.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        return headers;
    }

    /** A request's URI for a log line: cut to 200 characters (it may carry a long payload). */
    private static String uri(HttpServerRequest request) {
        return request.uri() == null ? "" : JsonText.abbreviate(request.uri(), 200);
    }

    /** Whether every {@code %} in {@code s} starts a {@code %XX} escape of two hex digits. */
    static boolean hasValidEscapes(String s) {
        for (int i = s.indexOf('%'); i >= 0; i = s.indexOf('%', i + 1)) {
            if (i + 2 >= s.length() || Character.digit(s.charAt(i + 1), 16) < 0
                    || Character.digit(s.charAt(i + 2), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    static void plain(HttpServerResponse response, int status, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                .end(message + "\n");
    }
}
