package dev.eventsync.api;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * The client side of the protocol: how an application (or the compatibility kit) talks to one store of a
 * sync server. It mirrors LiveStore's {@code SyncBackend}. Implementations: an in-process one over an
 * engine in the same JVM, and network clients.
 *
 * <p>Failures arrive as {@link SyncErrorException}s carrying a {@link SyncError}: a completion stage
 * completes exceptionally, a pull calls {@code onError}.
 */
public interface SyncBackend extends AutoCloseable {

    /** The store this backend talks to. */
    StoreId storeId();

    /** Connects (or checks the connection); completes when the server answered. */
    CompletionStage<Void> connect();

    /**
     * Pulls the events after {@code cursor} (from the root when empty), in pages of ascending seqNum.
     * A non-live pull completes after the page with {@link PageInfo.NoMore}; a live pull then stays open
     * and delivers every later accepted batch as a {@code NoMore} page, without gaps or duplicates.
     *
     * <p>A cursor without a backendId means "the store's current one": a network client fills in the backendId
     * it last saw (or learns it first), because LiveStore's sync-cf requires one on the wire and refuses an empty
     * one. A cursor with a backendId is checked against the store's.
     *
     * <p>The publisher honours {@code request(n)}: at most {@code n} pages are delivered before more are
     * requested, and {@code cancel()} ends the pull. Each {@code subscribe} starts an independent pull.
     */
    Flow.Publisher<PullPage> pull(Optional<PullCursor> cursor, boolean live);

    /**
     * Pushes a batch that must extend the store's head. {@code backendId}, when present, must be the
     * store's (else {@link SyncError.BackendIdMismatch}). Completes once the batch is durable and has been
     * handed to every live pull of the store.
     */
    CompletionStage<PushResult> push(List<Event> batch, Optional<String> backendId);

    /** {@link #push(List, Optional)} without a backendId check. */
    default CompletionStage<PushResult> push(List<Event> batch) {
        return push(batch, Optional.empty());
    }

    /** A round trip to the server. */
    CompletionStage<Void> ping();

    /** The connection's current state. */
    ConnectionState connectionState();

    /**
     * Calls {@code listener} with the current state and then with every change, until the returned handle
     * is closed.
     */
    AutoCloseable onConnectionState(Consumer<ConnectionState> listener);

    /** What this backend supports. */
    Capabilities supports();

    /** Closes the connection; pulls end and later calls fail. */
    @Override
    void close();
}
