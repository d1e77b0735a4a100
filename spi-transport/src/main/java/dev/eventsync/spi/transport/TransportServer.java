package dev.eventsync.spi.transport;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * A network endpoint that serves a {@link SyncService}: its lifecycle. The composition root starts
 * transports after storage and engine, and stops them first.
 */
public interface TransportServer {

    /** A short name for logs, for example {@code vertx-http}. */
    String name();

    /** Binds and starts accepting; completes with the bound port. */
    CompletionStage<Integer> start();

    /**
     * Stops accepting new connections, lets in-flight pushes finish within {@code grace}, then closes
     * every connection with a reason.
     */
    CompletionStage<Void> stop(Duration grace);
}
