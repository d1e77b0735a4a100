package dev.eventsync.api;

import java.time.Instant;
import java.util.Objects;

/**
 * An event as the server holds it: the event plus the time the server accepted it. The accept time
 * travels to clients as the event's sync metadata ({@code SyncMessage.SyncMetadata.createdAt}).
 */
public record StoredEvent(Event event, Instant createdAt) {

    public StoredEvent {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public long seqNum() {
        return event.seqNum();
    }
}
