package dev.eventsync.vertx;

import dev.eventsync.api.Capabilities;
import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncBackend;
import dev.eventsync.vertx.client.VertxClients;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A {@link SyncBackend} that talks to a sync server over the network with LiveStore's sync-cf protocol: over a
 * WebSocket (live pulls pushed by the server, reconnect with jittered capped exponential backoff, live pulls
 * resumed from their cursor, pings) or over HTTP (one POST per call, live pulls by polling). It works against an
 * Eventsync server and against any other sync-cf server.
 *
 * <p>Failures are {@link dev.eventsync.api.SyncErrorException}s: the server's typed errors, and
 * {@link dev.eventsync.api.SyncError.Unavailable} when the server cannot be reached or the connection drops
 * before an answer. Over the wire a push ack carries no head, so a successful push reports
 * {@code Appended(lastSeqNum, size)} (also for an idempotent retry) and an empty one {@code Empty(-1)}.
 * Callbacks (futures, pull signals, state listeners) run on a thread of this backend, never on an event loop.
 */
public final class VertxSyncBackend implements SyncBackend {

    private final SyncBackend delegate;

    private VertxSyncBackend(SyncBackend delegate) {
        this.delegate = delegate;
    }

    /** A backend on its own Vert.x instance, closed with the backend. */
    public static VertxSyncBackend create(VertxClientSettings settings) {
        return new VertxSyncBackend(VertxClients.create(settings, Optional.empty()));
    }

    /** A backend on the caller's Vert.x instance, which the caller keeps owning. */
    public static VertxSyncBackend create(Vertx vertx, VertxClientSettings settings) {
        return new VertxSyncBackend(VertxClients.create(settings, Optional.of(vertx)));
    }

    @Override
    public StoreId storeId() {
        return delegate.storeId();
    }

    @Override
    public CompletionStage<Void> connect() {
        return delegate.connect();
    }

    @Override
    public Flow.Publisher<PullPage> pull(Optional<PullCursor> cursor, boolean live) {
        return delegate.pull(cursor, live);
    }

    @Override
    public CompletionStage<PushResult> push(List<Event> batch, Optional<String> backendId) {
        return delegate.push(batch, backendId);
    }

    @Override
    public CompletionStage<Void> ping() {
        return delegate.ping();
    }

    @Override
    public ConnectionState connectionState() {
        return delegate.connectionState();
    }

    @Override
    public AutoCloseable onConnectionState(Consumer<ConnectionState> listener) {
        return delegate.onConnectionState(listener);
    }

    @Override
    public Capabilities supports() {
        return delegate.supports();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
