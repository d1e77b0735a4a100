package dev.eventsync.spi.transport;

import dev.eventsync.api.Event;

/**
 * A per-event check on every push, after the protocol's own validation and before the append, for
 * rules of the deployment (who may write which events, banned content). Rejecting one event rejects the
 * whole batch, with an error that names the event and carries the reason. Runs on a worker thread, while
 * the store's push slot is held: keep it quick.
 */
@FunctionalInterface
public interface PushInterceptor {

    Verdict intercept(CallContext context, Event event);
}
