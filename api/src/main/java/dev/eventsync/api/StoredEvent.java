package dev.eventsync.api;

import dev.eventsync.api.json.ProtocolJson;
import java.time.Instant;
import java.util.Objects;

/**
 * An event as the server holds it: the event plus the time the server accepted it. The accept time
 * travels to clients as the event's sync metadata ({@code SyncMessage.SyncMetadata.createdAt}).
 *
 * <p>Immutable, with value semantics: two stored events are equal when their events and accept times are.
 * It keeps its own page encoding ({@link #encoded()}) once something asked for it, so that an event that
 * travels in many pages (a live page to every subscriber, catch-up pulls of a store that keeps its stored
 * events) is encoded once. The kept encoding costs its text (one byte per character for ASCII text, as
 * {@link String} stores it) plus about 40 bytes.
 */
public final class StoredEvent {

    private final Event event;
    private final Instant createdAt;
    /** The page encoding and its size, once computed; racy but safe: {@link Encoding} has only final fields. */
    private Encoding encoding;

    /** The page encoding of an event and its number of bytes as {@link ProtocolJson#encodedSize(StoredEvent)}. */
    private record Encoding(String text, long bytes) {
    }

    /**
     * @param event     the event as the client sent it
     * @param createdAt the time the server accepted it
     */
    public StoredEvent(Event event, Instant createdAt) {
        this.event = Objects.requireNonNull(event, "event");
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    }

    public Event event() {
        return event;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public long seqNum() {
        return event.seqNum();
    }

    /**
     * This event's JSON in a pull page's {@code batch}: {@code {"eventEncoded":{...},"metadata":{"_tag":"Some",
     * "value":{"_tag":"SyncMessage.SyncMetadata","createdAt":"..."}}}}, exactly as
     * {@link ProtocolJson#encodeStoredEvent(StoredEvent)} writes it. Encoded on the first call and kept.
     */
    public String encoded() {
        return encoding().text();
    }

    /**
     * The number of UTF-8 bytes of {@link #encoded()}, counted as {@link ProtocolJson#encodedSize(StoredEvent)}
     * counts them (a surrogate pair in a string field as its two escapes); computed with the encoding and kept.
     */
    public long encodedBytes() {
        return encoding().bytes();
    }

    private Encoding encoding() {
        Encoding e = encoding;
        if (e == null) {
            String text = ProtocolJson.encodeStoredEvent(this);
            // the encoding is ASCII exactly when these fields are (the rest is ASCII, escapes included)
            boolean ascii = isAscii(event.name()) && isAscii(event.clientId()) && isAscii(event.sessionId())
                    && (event.args().isEmpty() || isAscii(event.args().get()));
            long bytes = ascii ? text.length() : ProtocolJson.encodedSize(this);
            e = new Encoding(text, bytes);
            encoding = e;
        }
        return e;
    }

    private static boolean isAscii(String s) {
        int bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            bits |= s.charAt(i); // no exit inside the loop: it compiles to a tight reduction
        }
        return bits < 0x80;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredEvent other && event.equals(other.event) && createdAt.equals(other.createdAt);
    }

    @Override
    public int hashCode() {
        return 31 * event.hashCode() + createdAt.hashCode();
    }

    @Override
    public String toString() {
        return "StoredEvent[event=" + event + ", createdAt=" + createdAt + "]";
    }
}
