package dev.eventsync.server.admin;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.core.PullStatus;
import dev.eventsync.core.StoreStatus;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.vertx.HttpRoutes;
import dev.eventsync.vertx.dispatch.TransportMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API and the web inspector, under {@value #PREFIX} on the transport's port (see docs/admin.md).
 * Every {@code /admin/api/} request must carry {@code Authorization: Bearer <admin token>}; without it the
 * answer is 401 and nothing is read or changed. The inspector's static files ({@code /admin/},
 * {@code /admin/inspector.js}, {@code /admin/inspector.css}) hold no data and are served to anyone; the page
 * asks for the token and sends it with every API call.
 *
 * <pre>
 * GET    /admin/api/stores                             every store: head, eventCount, backendId, liveSubscribers, lastPushAt
 * GET    /admin/api/store?storeId=ID                   one store and its clients (pulls open on this node, with lag)
 * GET    /admin/api/store/tail?storeId=ID&amp;after=N      server-sent events: the events after seqNum N, then live
 * POST   /admin/api/store/reset?storeId=ID             new backendId, no events; connected clients get BackendIdMismatch
 * DELETE /admin/api/store?storeId=ID                   the store is gone; connected clients get BackendIdMismatch
 * </pre>
 *
 * <p>The store id travels in the query, never in the path: every client and proxy normalizes dot segments of a
 * path ({@code .} and {@code ..}, even written {@code %2E%2E}, are valid store ids) and some decode {@code %2F},
 * while a query parameter reaches the server as sent. An operation on a store that does not exist answers
 * {@code 404} ({@code not_found}) and changes nothing; a store id the protocol refuses answers {@code 400}.
 */
public final class AdminRoutes implements HttpRoutes {

    public static final String PREFIX = "/admin";

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    private static final long HEARTBEAT_MS = 15_000;
    private static final Map<String, String> STATIC_FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "inspector.js", "text/javascript; charset=utf-8",
            "inspector.css", "text/css; charset=utf-8");
    /** The API's paths and the methods each one answers (for {@code 405} and its {@code Allow} header). */
    private static final Map<String, String> ENDPOINTS = Map.of(
            PREFIX + "/api/stores", "GET",
            PREFIX + "/api/store", "GET, DELETE",
            PREFIX + "/api/store/tail", "GET",
            PREFIX + "/api/store/reset", "POST");

    private final SyncEngine engine;
    private final AdminToken token;
    private final PrometheusMeterRegistry registry;
    private final Set<AdminTail> tails = ConcurrentHashMap.newKeySet();

    @Inject
    public AdminRoutes(SyncEngine engine, AdminToken token, PrometheusMeterRegistry registry) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.token = Objects.requireNonNull(token, "token");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void mount(Router router, Vertx vertx) {
        Router admin = Router.router(vertx);
        admin.route("/api/*").handler(this::authenticate);
        admin.get("/api/stores").handler(this::listStores);
        admin.get("/api/store").handler(this::showStore);
        admin.get("/api/store/tail").handler(this::tail);
        admin.post("/api/store/reset").handler(this::reset);
        admin.delete("/api/store").handler(this::delete);
        admin.route("/api/*").handler(AdminRoutes::noEndpoint);
        admin.get("/").handler(ctx -> staticFile(ctx, "index.html"));
        admin.get("/:file").handler(ctx -> staticFile(ctx, ctx.pathParam("file")));
        // everything else under the prefix is this contribution's too: never the sync endpoint's
        admin.route().handler(AdminRoutes::noEndpoint);
        // a malformed query (storeId=%zz) or anything a handler throws: a JSON error, like every admin answer
        admin.route().failureHandler(AdminRoutes::failed);
        // another spelling of an admin path (//admin, /%61dmin, /ADMIN, /./admin): the admin's 401, or its 404
        // with the token; never the sync endpoint's or another route's answer
        router.route().handler(ctx -> {
            String path = ctx.request().path();
            if (!AdminPath.isAdminArea(path) || AdminPath.isExact(path)) {
                ctx.next();
            } else if (admitted(ctx)) {
                noEndpoint(ctx);
            }
        });
        // Vert.x matches "/admin" and "/admin/" alike: only the bare prefix is redirected
        router.get(PREFIX).handler(ctx -> {
            if (ctx.request().path().equals(PREFIX)) {
                ctx.response().setStatusCode(301).putHeader(HttpHeaders.LOCATION, PREFIX + "/").end();
            } else {
                ctx.next();
            }
        });
        router.route(PREFIX + "/*").subRouter(admin);
    }

    @Override
    public void stopping() {
        for (AdminTail tail : List.copyOf(tails)) {
            tail.context.runOnContext(v -> tail.end());
        }
    }

    // ---------------------------------------------------------------- handlers

    @Override
    public boolean refuseMalformed(HttpServerRequest request, String message) {
        if (request.path() == null || !request.path().startsWith(PREFIX + "/")) {
            return false;
        }
        error(request.response(), 400, "invalid_request", message);
        return true;
    }

    private void authenticate(RoutingContext ctx) {
        if (admitted(ctx)) {
            if (!ctx.request().path().equals(ctx.normalizedPath())) {
                // "/admin/api/stores/." would be the list, "/admin/api/store/reset/.." the store: only exact paths
                noEndpoint(ctx);
                return;
            }
            try {
                ctx.queryParams();
            } catch (RuntimeException e) {
                error(ctx.response(), 400, "invalid_request", "malformed query string (" + e.getMessage()
                        + "); percent-encode each parameter value, as encodeURIComponent does (a literal % is %25)");
                return;
            }
            ctx.next();
        }
    }

    /** Whether the request carries the admin token; if not, it has been answered {@code 401}. */
    private boolean admitted(RoutingContext ctx) {
        if (token.acceptsHeader(Optional.ofNullable(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)))) {
            return true;
        }
        LOG.debug("admin request {} {} from {} refused: no valid admin token", ctx.request().method(),
                ctx.request().path(), ctx.request().remoteAddress());
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"eventsync-admin\"");
        error(ctx.response(), 401, "unauthorized",
                "the admin API needs the header Authorization: Bearer <the server's --admin-token>");
        return false;
    }

    private static void failed(RoutingContext ctx) {
        Throwable cause = ctx.failure();
        if (ctx.statusCode() >= 400 && ctx.statusCode() < 500 || cause instanceof IllegalArgumentException) {
            int status = ctx.statusCode() >= 400 && ctx.statusCode() < 500 ? ctx.statusCode() : 400;
            LOG.debug("admin request {} {} refused: {}", ctx.request().method(), ctx.request().path(), cause);
            error(ctx.response(), status, status == 404 ? "not_found" : "invalid_request", "malformed request"
                    + (cause == null || cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } else if (cause != null) {
            failure(ctx, cause);
        } else {
            error(ctx.response(), 500, "internal", "request failed");
        }
    }

    private static void noEndpoint(RoutingContext ctx) {
        String path = ctx.request().path();
        String allowed = ENDPOINTS.get(path);
        if (allowed != null) {
            ctx.response().putHeader(HttpHeaders.ALLOW, allowed);
            error(ctx.response(), 405, "method_not_allowed", ctx.request().method() + " " + path
                    + " is not an admin operation; " + path + " answers " + allowed);
            return;
        }
        String hint = path.startsWith(PREFIX + "/api/stores/")
                ? "; a store is addressed by a query parameter: " + PREFIX + "/api/store?storeId=<id>" : "";
        error(ctx.response(), 404, "not_found", "no admin endpoint " + ctx.request().method() + " " + path + hint
                + "; see docs/admin.md");
    }

    private void listStores(RoutingContext ctx) {
        answer(ctx, engine.storeStatuses(), stores -> {
            JsonArray list = new JsonArray();
            stores.forEach(s -> list.add(storeJson(s)));
            return new JsonObject().put("stores", list);
        });
    }

    private void showStore(RoutingContext ctx) {
        Optional<StoreId> id = storeId(ctx);
        if (id.isEmpty()) {
            return;
        }
        CompletionStage<JsonObject> shown = engine.storeStatuses().thenCompose(stores -> {
            Optional<StoreStatus> status = stores.stream().filter(s -> s.storeId().equals(id.get())).findFirst();
            if (status.isEmpty()) {
                throw new NotFound(id.get());
            }
            return engine.pulls(id.get()).thenApply(pulls -> {
                JsonArray clients = new JsonArray();
                pulls.forEach(p -> clients.add(clientJson(p)));
                return storeJson(status.get()).put("clients", clients);
            });
        });
        answer(ctx, shown, json -> json);
    }

    private void reset(RoutingContext ctx) {
        Optional<StoreId> id = storeId(ctx);
        if (id.isEmpty()) {
            return;
        }
        LOG.info("store {}: reset requested through the admin API by {}", id.get(), ctx.request().remoteAddress());
        // a reset would create a missing store: it acts on existing stores only
        answer(ctx, existing(id.get()).thenCompose(engine::resetStore)
                        .thenApply(backendId -> forgetHead(id.get(), backendId)),
                backendId -> new JsonObject().put("storeId", id.get().value()).put("backendId", backendId));
    }

    private void delete(RoutingContext ctx) {
        Optional<StoreId> id = storeId(ctx);
        if (id.isEmpty()) {
            return;
        }
        LOG.info("store {}: delete requested through the admin API by {}", id.get(), ctx.request().remoteAddress());
        // deleting a missing store would still end the pulls waiting for its first push: checked first
        CompletionStage<Boolean> deleted = existing(id.get()).thenCompose(engine::deleteStore).thenApply(existed -> {
            if (!existed) {
                throw new NotFound(id.get()); // deleted by someone else in between
            }
            return forgetHead(id.get(), true);
        });
        answer(ctx, deleted, existed -> new JsonObject().put("storeId", id.get().value()).put("deleted", true));
    }

    private void tail(RoutingContext ctx) {
        Optional<StoreId> id = storeId(ctx);
        if (id.isEmpty()) {
            return;
        }
        List<String> afterParams = ctx.queryParam("after");
        String afterParam = afterParams.isEmpty() ? "0" : afterParams.get(0);
        long after;
        try {
            after = Long.parseLong(afterParam);
        } catch (NumberFormatException e) {
            error(ctx.response(), 400, "invalid_request", "after must be a seqNum (a whole number), got '"
                    + afterParam + "'");
            return;
        }
        if (after < 0 || afterParams.size() > 1) {
            error(ctx.response(), 400, "invalid_request", "after must be one number, 0 or more, got " + afterParams);
            return;
        }
        // a tail serves an existing store only: a mistyped id is a 404, not an empty stream that waits forever;
        // and it starts at most at the head: after a later seqNum it would wait for events that may never come
        Context context = Vertx.currentContext();
        CompletionStage<StoreId> checked = engine.storeStatuses().thenApply(stores -> {
            StoreStatus status = stores.stream().filter(s -> s.storeId().equals(id.get())).findFirst()
                    .orElseThrow(() -> new NotFound(id.get()));
            if (after > status.head()) {
                throw new BadRequest("after " + after + " is past the head of store '" + id.get() + "' ("
                        + status.head() + "): give a seqNum from 0 to the head");
            }
            return id.get();
        });
        Future.fromCompletionStage(checked, context).onComplete(ar -> {
            if (ar.failed()) {
                failure(ctx, ar.cause());
            } else {
                startTail(ctx, context, id.get(), after);
            }
        });
    }

    private void startTail(RoutingContext ctx, Context context, StoreId id, long after) {
        HttpServerResponse response = ctx.response();
        response.setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader("X-Accel-Buffering", "no");
        response.write(": tail of store " + id + " after seqNum " + after + "\n\n");
        AdminTail[] holder = new AdminTail[1];
        holder[0] = new AdminTail(context, response, id, after, HEARTBEAT_MS, () -> tails.remove(holder[0]));
        tails.add(holder[0]);
        LOG.debug("store {}: admin tail from {} after {}", id, ctx.request().remoteAddress(), after);
        engine.tail(id, after, Optional.ofNullable(ctx.request().remoteAddress()).map(Object::toString))
                .subscribe(holder[0]);
    }

    /** Drops the store's old head from {@code /metrics} ({@code --metrics-per-store}); returns {@code result}. */
    private <T> T forgetHead(StoreId id, T result) {
        TransportMetrics.forgetStore(registry, id);
        return result;
    }

    /** {@code id} when the store exists; else fails with {@link NotFound}. One read of the store list. */
    private CompletionStage<StoreId> existing(StoreId id) {
        return engine.stores().thenApply(stores -> {
            if (stores.stream().noneMatch(s -> s.storeId().equals(id))) {
                throw new NotFound(id);
            }
            return id;
        });
    }

    // ---------------------------------------------------------------- JSON

    private static JsonObject storeJson(StoreStatus s) {
        return new JsonObject()
                .put("storeId", s.storeId().value())
                .put("backendId", s.backendId())
                .put("head", s.head())
                .put("eventCount", s.eventCount())
                .put("liveSubscribers", s.liveSubscribers())
                .put("lastPushAt", s.lastPushAt().map(Object::toString).orElse(null));
    }

    private static JsonObject clientJson(PullStatus p) {
        return new JsonObject()
                .put("clientId", p.clientId().orElse(null))
                .put("transport", p.transport())
                .put("remoteAddress", p.remote().orElse(null))
                .put("cursor", p.cursor())
                .put("live", p.live())
                .put("lagEvents", p.lagEvents())
                .put("lagMs", p.lag().toMillis())
                .put("since", p.since().toString());
    }

    // ---------------------------------------------------------------- helpers

    /** The request's one {@code storeId} query parameter; else answers 400 and returns empty. */
    private static Optional<StoreId> storeId(RoutingContext ctx) {
        List<String> values = ctx.queryParam("storeId");
        if (values.size() != 1) {
            error(ctx.response(), 400, "invalid_request", values.isEmpty()
                    ? "the store goes in the query: ?storeId=<id> (percent-encoded, as encodeURIComponent does)"
                    : "one storeId per request, got " + values.size());
            return Optional.empty();
        }
        try {
            return Optional.of(StoreId.of(values.get(0)));
        } catch (SyncErrorException e) {
            error(ctx.response(), 400, "invalid_request", e.error().message());
            return Optional.empty();
        }
    }

    private static <T> void answer(RoutingContext ctx, CompletionStage<T> stage,
                                   java.util.function.Function<T, JsonObject> body) {
        Future.fromCompletionStage(stage, Vertx.currentContext()).onComplete(ar -> {
            if (ar.failed()) {
                failure(ctx, ar.cause());
            } else if (!ctx.response().ended() && !ctx.response().closed()) {
                ctx.response().setStatusCode(200).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                        .end(body.apply(ar.result()).encode());
            }
        });
    }

    private static void failure(RoutingContext ctx, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof NotFound notFound) {
            error(ctx.response(), 404, "not_found", notFound.getMessage());
            return;
        }
        if (cause instanceof BadRequest bad) {
            error(ctx.response(), 400, "invalid_request", bad.getMessage());
            return;
        }
        Optional<SyncError> error = SyncErrorException.errorOf(cause);
        if (error.isPresent()) {
            int status = error.get() instanceof SyncError.Unavailable ? 503 : 400;
            error(ctx.response(), status, error.get().code(), error.get().message());
            return;
        }
        LOG.error("admin request {} {} failed", ctx.request().method(), ctx.request().path(), cause);
        error(ctx.response(), 500, "internal", String.valueOf(cause));
    }

    private static void error(HttpServerResponse response, int status, String code, String message) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", code).put("message", message).encode());
    }

    private static void staticFile(RoutingContext ctx, String name) {
        String type = STATIC_FILES.get(name);
        if (type == null) {
            error(ctx.response(), 404, "not_found", "no such file: " + PREFIX + "/" + name);
            return;
        }
        try (InputStream in = AdminRoutes.class.getResourceAsStream("/eventsync-inspector/" + name)) {
            if (in == null) {
                throw new IllegalStateException("the inspector's " + name + " is missing from the jar");
            }
            ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type)
                    .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache")
                    // the page loads nothing from elsewhere (no CDN) and may not be framed
                    .putHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .end(io.vertx.core.buffer.Buffer.buffer(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parameter that does not fit the store (a tail after its head). */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** The store asked for does not exist. */
    private static final class NotFound extends RuntimeException {
        NotFound(StoreId id) {
            super("no store '" + id + "'", null, false, false);
        }
    }
}
