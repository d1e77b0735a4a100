package dev.eventsync.spi.transport;

import dev.eventsync.api.Event;
import java.util.Set;

/**
 * A schema-aware check of event payloads, by event name: for example "{@code todoCreated-v1} needs a
 * string {@code id}". A failure rejects the batch as an invalid batch, naming the event.
 */
public interface EventValidator {

    /** The event names this validator checks; empty means every event. */
    Set<String> eventNames();

    /** Checks one event (its {@code args} are raw JSON text). */
    Verdict validate(Event event);
}
