package dev.eventsync.server.admin;

import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Flow;

/**
 * One server-sent-events response following a store for the admin API's tail: {@code events} (a batch with its
 * events' JSON), {@code caught-up} once after the backlog, {@code error} when the pull ends with an error (the
 * store was reset or deleted). Pages are requested one at a time, as the socket drains, so a slow reader never
 * holds pushes back. Every method but the subscriber's runs on the response's {@link Context}.
 */
final class AdminTail implements Flow.Subscriber<PullPage> {

    final Context context;
    private final HttpServerResponse response;
    private final StoreId storeId;
    private final Runnable onEnd;
    private long heartbeat = -1;
    private volatile Flow.Subscription subscription;
    private boolean caughtUp;
    private boolean ended;
    /** The seqNum of the last event sent, or the tail's {@code after} before the first one. */
    private long cursor;

    AdminTail(Context context, HttpServerResponse response, StoreId storeId, long after, long heartbeatMillis,
              Runnable onEnd) {
        this.context = context;
        this.cursor = after;
        this.response = response;
        this.storeId = storeId;
        this.onEnd = onEnd;
        this.heartbeat = context.owner().setPeriodic(heartbeatMillis, t -> {
            if (!response.ended() && !response.closed()) {
                response.write(": keep-alive\n\n");
            }
        });
        response.closeHandler(v -> end());
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
            cursor = page.batch().get(page.batch().size() - 1).seqNum();
            send("events", new JsonObject().put("storeId", storeId.value()).put("backendId", page.backendId())
                    .put("events", events));
        }
        if (!caughtUp && page.pageInfo() instanceof PageInfo.NoMore) {
            caughtUp = true;
            send("caught-up", new JsonObject().put("storeId", storeId.value()).put("backendId", page.backendId())
                    .put("cursor", cursor));
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

    /** Ends the stream (idempotent): cancels the pull and the heartbeat, ends the response. */
    void end() {
        if (ended) {
            return;
        }
        ended = true;
        onEnd.run();
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

    static JsonObject eventJson(StoredEvent e) {
        return new JsonObject()
                .put("seqNum", e.seqNum())
                .put("parentSeqNum", e.event().parentSeqNum())
                .put("name", e.event().name())
                .put("args", e.event().args().map(Json::decodeValue).orElse(null))
                .put("clientId", e.event().clientId())
                .put("sessionId", e.event().sessionId())
                .put("createdAt", e.createdAt().toString());
    }
}
