package dev.eventsync.server.admin;

import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.core.PullStatus;
import dev.eventsync.core.StoreStatus;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.vertx.HttpRoutes;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
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
import java.util.concurrent.Flow;
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
 * GET    /admin/api/stores                     every store: head, eventCount, backendId, liveSubscribers, lastPushAt
 * GET    /admin/api/stores/{id}                one store and its clients (pulls open on this node, with lag)
 * GET    /admin/api/stores/{id}/tail?after=N   server-sent events: the events after seqNum N, then live
 * POST   /admin/api/stores/{id}/reset          new backendId, no events; connected clients get BackendIdMismatch
 * DELETE /admin/api/stores/{id}                the store is gone; connected clients get BackendIdMismatch
 * </pre>
 */
public final class AdminRoutes implements HttpRoutes {

    public static final String PREFIX = "/admin";

    private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);
    private static final long HEARTBEAT_MS = 15_000;
    private static final Map<String, String> STATIC_FILES = Map.of(
            "index.html", "text/html; charset=utf-8",
            "inspector.js", "text/javascript; charset=utf-8",
            "inspector.css", "text/css; charset=utf-8");

    private final SyncEngine engine;
    private final AdminToken token;
    private final Set<Tail> tails = ConcurrentHashMap.newKeySet();

    @Inject
    public AdminRoutes(SyncEngine engine, AdminToken token) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.token = Objects.requireNonNull(token, "token");
    }

    @Override
    public void mount(Router router, Vertx vertx) {
        Router admin = Router.router(vertx);
        admin.route("/api/*").handler(this::authenticate);
        admin.get("/api/stores").handler(this::listStores);
        admin.get("/api/stores/:storeId").handler(this::showStore);
        admin.get("/api/stores/:storeId/tail").handler(this::tail);
        admin.post("/api/stores/:storeId/reset").handler(this::reset);
        admin.delete("/api/stores/:storeId").handler(this::delete);
        admin.route("/api/*").handler(ctx -> error(ctx.response(), 404, "not_found", "no admin endpoint "
                + ctx.request().method() + " " + ctx.request().path() + "; see docs/admin.md"));
        admin.get("/").handler(ctx -> staticFile(ctx, "index.html"));
        admin.get("/:file").handler(ctx -> staticFile(ctx, ctx.pathParam("file")));
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
        for (Tail tail : List.copyOf(tails)) {
            tail.context.runOnContext(v -> tail.end());
        }
    }

    // ---------------------------------------------------------------- handlers

    private void authenticate(RoutingContext ctx) {
        if (token.acceptsHeader(Optional.ofNullable(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)))) {
            ctx.next();
            return;
        }
        LOG.debug("admin request {} {} from {} refused: no valid admin token", ctx.request().method(),
                ctx.request().path(), ctx.request().remoteAddress());
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"eventsync-admin\"");
        error(ctx.response(), 401, "unauthorized",
                "the admin API needs the header Authorization: Bearer <the server's --admin-token>");
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
        answer(ctx, engine.resetStore(id.get()), backendId -> new JsonObject().put("storeId", id.get().value())
                .put("backendId", backendId));
    }

    private void delete(RoutingContext ctx) {
        Optional<StoreId> id = storeId(ctx);
        if (id.isEmpty()) {
            return;
        }
        LOG.info("store {}: delete requested through the admin API by {}", id.get(), ctx.request().remoteAddress());
        answer(ctx, engine.deleteStore(id.get()), existed -> new JsonObject().put("storeId", id.get().value())
                .put("deleted", existed));
    }

    private void tail(RoutingContext ctx) {
        Optional<StoreId> id = storeId(ctx);
        if (id.isEmpty()) {
            return;
        }
        String afterParam = ctx.request().getParam("after", "0");
        long after;
        try {
            after = Long.parseLong(afterParam);
        } catch (NumberFormatException e) {
            error(ctx.response(), 400, "invalid_request", "after must be a seqNum (a whole number), got '"
                    + afterParam + "'");
            return;
        }
        if (after < 0) {
            error(ctx.response(), 400, "invalid_request", "after must be 0 or more, got " + after);
            return;
        }
        // a tail serves an existing store only: a mistyped id is a 404, not an empty stream that waits forever
        Context context = Vertx.currentContext();
        Future.fromCompletionStage(engine.storeStatuses(), context).onComplete(ar -> {
            if (ar.failed()) {
                failure(ctx, ar.cause());
            } else if (ar.result().stream().noneMatch(s -> s.storeId().equals(id.get()))) {
                failure(ctx, new NotFound(id.get()));
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
        Tail tail = new Tail(context, response, id);
        tails.add(tail);
        tail.heartbeat = context.owner().setPeriodic(HEARTBEAT_MS, t -> {
            if (!response.ended() && !response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> tail.end());
        LOG.debug("store {}: admin tail from {} after {}", id, ctx.request().remoteAddress(), after);
        engine.tail(id, after, Optional.ofNullable(ctx.request().remoteAddress()).map(Object::toString))
                .subscribe(tail);
    }

    /** One server-sent-events response following a store; pages are requested one at a time, as the socket drains. */
    private final class Tail implements Flow.Subscriber<PullPage> {
        final Context context;
        final HttpServerResponse response;
        final StoreId storeId;
        long heartbeat = -1;
        private volatile Flow.Subscription subscription;
        private boolean caughtUp;
        private boolean ended;

        Tail(Context context, HttpServerResponse response, StoreId storeId) {
            this.context = context;
            this.response = response;
            this.storeId = storeId;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            context.runOnContext(v -> {
                if (ended) {
                    s.cancel();
                } else {
                    s.request(1);
                }
            });
        }

        @Override
        public void onNext(PullPage page) {
            // only enqueue here: the engine may call from the pushing worker (see SyncEngine)
            context.runOnContext(v -> deliver(page));
        }

        private void deliver(PullPage page) {
            if (ended) {
                return;
            }
            if (!page.batch().isEmpty()) {
                JsonArray events = new JsonArray();
                page.batch().forEach(e -> events.add(eventJson(e)));
                send("events", new JsonObject().put("storeId", storeId.value()).put("backendId", page.backendId())
                        .put("events", events));
            }
            if (!caughtUp && page.pageInfo() instanceof PageInfo.NoMore) {
                caughtUp = true;
                send("caught-up", new JsonObject().put("storeId", storeId.value()).put("backendId", page.backendId())
                        .put("cursor", page.lastSeqNum().isPresent() ? page.lastSeqNum().getAsLong() : null));
            }
            if (response.writeQueueFull()) {
                response.drainHandler(d -> subscription.request(1));
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            context.runOnContext(v -> {
                if (!ended) {
                    SyncError error = SyncErrorException.errorOf(failure)
                            .orElse(new SyncError.Unknown(String.valueOf(failure.getMessage())));
                    send("error", new JsonObject().put("storeId", storeId.value()).put("error", error.code())
                            .put("message", error.message()));
                    end();
                }
            });
        }

        @Override
        public void onComplete() {
            context.runOnContext(v -> end());
        }

        private void send(String event, JsonObject data) {
            if (!response.ended() && !response.closed()) {
                response.write("event: " + event + "\ndata: " + data.encode() + "\n\n");
            }
        }

        void end() {
            if (ended) {
                return;
            }
            ended = true;
            tails.remove(this);
            if (heartbeat >= 0) {
                context.owner().cancelTimer(heartbeat);
            }
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            if (!response.ended() && !response.closed()) {
                response.end();
            }
        }
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

    private static JsonObject eventJson(StoredEvent e) {
        return new JsonObject()
                .put("seqNum", e.seqNum())
                .put("parentSeqNum", e.event().parentSeqNum())
                .put("name", e.event().name())
                .put("args", e.event().args().map(Json::decodeValue).orElse(null))
                .put("clientId", e.event().clientId())
                .put("sessionId", e.event().sessionId())
                .put("createdAt", e.createdAt().toString());
    }

    // ---------------------------------------------------------------- helpers

    private static Optional<StoreId> storeId(RoutingContext ctx) {
        String raw = ctx.pathParam("storeId");
        try {
            return Optional.of(StoreId.of(raw));
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

    /** The store asked for does not exist. */
    private static final class NotFound extends RuntimeException {
        NotFound(StoreId id) {
            super("no store '" + id + "'", null, false, false);
        }
    }
}
