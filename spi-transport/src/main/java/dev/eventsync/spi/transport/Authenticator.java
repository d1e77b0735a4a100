package dev.eventsync.spi.transport;

/**
 * Decides whether a caller may use a store. Transports call it at connect time (WebSocket) or on every
 * request (HTTP); the engine calls it again for every push and pull, so an in-process caller is checked
 * too. It runs on a worker thread and may do I/O, but should be quick: it is on every request's path.
 * Several authenticators all have to allow a call.
 */
@FunctionalInterface
public interface Authenticator {

    /** Allow or deny {@code context}; a denial's reason is shown to the caller. */
    AuthResult authenticate(CallContext context);
}
