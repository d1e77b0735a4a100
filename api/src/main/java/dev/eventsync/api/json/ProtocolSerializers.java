package dev.eventsync.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Writers of the wire shapes; see {@link ProtocolJson}. */
final class ProtocolSerializers {

    /** JavaScript's {@code Date.toISOString()} form: milliseconds, UTC, {@code Z}. */
    static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    static final String SYNC_METADATA_TAG = "SyncMessage.SyncMetadata";

    private ProtocolSerializers() {
    }

    static void writeEvent(JsonGenerator g, Event e) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", e.name());
        if (e.args().isPresent()) {
            g.writeFieldName("args");
            g.writeRawValue(e.args().get());
        }
        g.writeNumberField("seqNum", e.seqNum());
        g.writeNumberField("parentSeqNum", e.parentSeqNum());
        g.writeStringField("clientId", e.clientId());
        g.writeStringField("sessionId", e.sessionId());
        g.writeEndObject();
    }

    /**
     * {@code e}'s page encoding: the event's kept text ({@link StoredEvent#encoded()}) when it is ASCII, which every
     * generator writes alike; otherwise encoded by {@code g}, since a generator of UTF-8 bytes escapes a surrogate
     * pair in a string field where a generator of text keeps the character.
     */
    static void writeStoredEvent(JsonGenerator g, StoredEvent e) throws IOException {
        if (e.encodedBytes() == e.encoded().length()) {
            g.writeRawValue(e.encoded());
        } else {
            encodeStoredEvent(g, e);
        }
    }

    /**
     * {@code e}'s page encoding as {@link #encodeStoredEvent(JsonGenerator, StoredEvent)} writes it with a generator
     * of text, built without a generator: the fields' literals ({@link JsonText#quoted}), {@code args} raw.
     */
    static String storedEventText(StoredEvent e) {
        Event ev = e.event();
        String args = ev.args().orElse(null);
        StringBuilder b = new StringBuilder(STORED_TEXT_FIXED + ev.name().length() + ev.clientId().length()
                + ev.sessionId().length() + (args == null ? 0 : args.length()) + 40);
        b.append("{\"eventEncoded\":{\"name\":").append(JsonText.quoted(ev.name()));
        if (args != null) {
            b.append(",\"args\":").append(args);
        }
        b.append(",\"seqNum\":").append(ev.seqNum()).append(",\"parentSeqNum\":").append(ev.parentSeqNum())
                .append(",\"clientId\":").append(JsonText.quoted(ev.clientId()))
                .append(",\"sessionId\":").append(JsonText.quoted(ev.sessionId()))
                .append("},\"metadata\":{\"_tag\":\"Some\",\"value\":{\"_tag\":\"" + SYNC_METADATA_TAG + "\",\"createdAt\":")
                .append(JsonText.quoted(formatInstant(e.createdAt()))).append("}}}");
        return b.toString();
    }

    private static final int STORED_TEXT_FIXED = 200;

    /** Encodes {@code e} for a page with {@code g}, always afresh; {@link StoredEvent#encoded()} keeps its text. */
    static void encodeStoredEvent(JsonGenerator g, StoredEvent e) throws IOException {
        g.writeStartObject();
        g.writeFieldName("eventEncoded");
        writeEvent(g, e.event());
        g.writeObjectFieldStart("metadata");
        g.writeStringField("_tag", "Some");
        g.writeObjectFieldStart("value");
        g.writeStringField("_tag", SYNC_METADATA_TAG);
        g.writeStringField("createdAt", formatInstant(e.createdAt()));
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    /** The first second of year 1 and of year 10000: between them the form has exactly 24 characters. */
    private static final long FAST_FROM = -62_135_596_800L;
    private static final long FAST_UNTIL = 253_402_300_800L;

    /** The last timestamp this thread formatted: a batch's events share one, and a page's mostly do. */
    private static final ThreadLocal<Object[]> LAST_FORMATTED = ThreadLocal.withInitial(() -> new Object[2]);

    /** {@code instant} as {@link #ISO_MILLIS} writes it, for example {@code 2026-11-26T03:30:04.602Z}. */
    static String formatInstant(Instant instant) {
        Object[] last = LAST_FORMATTED.get();
        if (instant.equals(last[0])) {
            return (String) last[1];
        }
        long second = instant.getEpochSecond();
        String text;
        if (second < FAST_FROM || second >= FAST_UNTIL) {
            text = ISO_MILLIS.format(instant);
        } else {
            java.time.LocalDateTime t = java.time.LocalDateTime.ofEpochSecond(second, instant.getNano(), ZoneOffset.UTC);
            char[] c = new char[24];
            put(c, 0, t.getYear(), 4);
            c[4] = '-';
            put(c, 5, t.getMonthValue(), 2);
            c[7] = '-';
            put(c, 8, t.getDayOfMonth(), 2);
            c[10] = 'T';
            put(c, 11, t.getHour(), 2);
            c[13] = ':';
            put(c, 14, t.getMinute(), 2);
            c[16] = ':';
            put(c, 17, t.getSecond(), 2);
            c[19] = '.';
            put(c, 20, instant.getNano() / 1_000_000, 3);
            c[23] = 'Z';
            text = new String(c);
        }
        last[0] = instant;
        last[1] = text;
        return text;
    }

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    static void writePageInfo(JsonGenerator g, PageInfo info) throws IOException {
        g.writeStartObject();
        if (info instanceof PageInfo.MoreKnown known) {
            g.writeStringField("_tag", "MoreKnown");
            g.writeNumberField("remaining", known.remaining());
        } else if (info instanceof PageInfo.MoreUnknown) {
            g.writeStringField("_tag", "MoreUnknown");
        } else {
            g.writeStringField("_tag", "NoMore");
        }
        g.writeEndObject();
    }

    /** A capacity for {@code page}'s text that is rarely exceeded: its events' encodings and room for the rest. */
    static int pageCapacity(PullPage page) {
        long chars = 96 + page.backendId().length();
        for (StoredEvent e : page.batch()) {
            chars += e.encoded().length() + 1;
        }
        return (int) Math.min(chars, Integer.MAX_VALUE - 16);
    }

    /**
     * Appends {@code page} as a {@code PullResponse}, {@code {"batch":[...],"pageInfo":{...},"backendId":"..."}},
     * the events as their kept encodings: the same text a generator writes, built by concatenation.
     */
    static void appendPage(StringBuilder out, PullPage page) {
        out.append("{\"batch\":[");
        boolean first = true;
        for (StoredEvent e : page.batch()) {
            if (!first) {
                out.append(',');
            }
            out.append(e.encoded());
            first = false;
        }
        out.append("],\"pageInfo\":");
        PageInfo info = page.pageInfo();
        if (info instanceof PageInfo.MoreKnown known) {
            out.append("{\"_tag\":\"MoreKnown\",\"remaining\":").append(known.remaining()).append('}');
        } else if (info instanceof PageInfo.MoreUnknown) {
            out.append("{\"_tag\":\"MoreUnknown\"}");
        } else {
            out.append("{\"_tag\":\"NoMore\"}");
        }
        out.append(",\"backendId\":").append(JsonText.quoted(page.backendId())).append('}');
    }

    static final class EventSerializer extends StdSerializer<Event> {
        private static final long serialVersionUID = 1L;

        EventSerializer() {
            super(Event.class);
        }

        @Override
        public void serialize(Event value, JsonGenerator g, SerializerProvider provider) throws IOException {
            writeEvent(g, value);
        }
    }

    static final class StoredEventSerializer extends StdSerializer<StoredEvent> {
        private static final long serialVersionUID = 1L;

        StoredEventSerializer() {
            super(StoredEvent.class);
        }

        @Override
        public void serialize(StoredEvent value, JsonGenerator g, SerializerProvider provider) throws IOException {
            writeStoredEvent(g, value);
        }
    }

    static final class PageInfoSerializer extends StdSerializer<PageInfo> {
        private static final long serialVersionUID = 1L;

        PageInfoSerializer() {
            super(PageInfo.class);
        }

        @Override
        public void serialize(PageInfo value, JsonGenerator g, SerializerProvider provider) throws IOException {
            writePageInfo(g, value);
        }
    }

    static final class PullPageSerializer extends StdSerializer<PullPage> {
        private static final long serialVersionUID = 1L;

        PullPageSerializer() {
            super(PullPage.class);
        }

        @Override
        public void serialize(PullPage page, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            g.writeArrayFieldStart("batch");
            for (StoredEvent e : page.batch()) {
                writeStoredEvent(g, e);
            }
            g.writeEndArray();
            g.writeFieldName("pageInfo");
            writePageInfo(g, page.pageInfo());
            g.writeStringField("backendId", page.backendId());
            g.writeEndObject();
        }
    }

    static final class PullCursorSerializer extends StdSerializer<PullCursor> {
        private static final long serialVersionUID = 1L;

        PullCursorSerializer() {
            super(PullCursor.class);
        }

        @Override
        public void serialize(PullCursor cursor, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            if (cursor.backendId().isPresent()) {
                g.writeStringField("backendId", cursor.backendId().get());
            }
            g.writeNumberField("eventSequenceNumber", cursor.eventSequenceNumber());
            g.writeEndObject();
        }
    }

    /**
     * LiveStore's error shapes. ServerAhead and BackendIdMismatch have their own tags; the others are
     * {@code UnknownError} with the message as {@code note} and, in {@code payload}, the typed fields
     * so that an Eventsync client can restore the exact error.
     */
    static final class SyncErrorSerializer extends StdSerializer<SyncError> {
        private static final long serialVersionUID = 1L;

        SyncErrorSerializer() {
            super(SyncError.class);
        }

        @Override
        public void serialize(SyncError error, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            if (error instanceof SyncError.ServerAhead e) {
                g.writeStringField("_tag", "ServerAheadError");
                g.writeNumberField("minimumExpectedNum", e.minimumExpectedNum());
                g.writeNumberField("providedNum", e.providedNum());
            } else if (error instanceof SyncError.BackendIdMismatch e) {
                g.writeStringField("_tag", "BackendIdMismatchError");
                g.writeStringField("expected", e.expected());
                g.writeStringField("received", e.received());
            } else {
                g.writeStringField("_tag", "UnknownError");
                g.writeObjectFieldStart("cause");
                g.writeStringField("name", "EventsyncError");
                g.writeStringField("message", error.message());
                g.writeEndObject();
                g.writeStringField("note", error.message());
                g.writeObjectFieldStart("payload");
                g.writeStringField("eventsyncError", error.code());
                writeTypedFields(g, error);
                g.writeEndObject();
            }
            g.writeEndObject();
        }

        private static void writeTypedFields(JsonGenerator g, SyncError error) throws IOException {
            if (error instanceof SyncError.InvalidBatch e) {
                g.writeNumberField("index", e.index());
                g.writeStringField("reason", e.reason());
            } else if (error instanceof SyncError.InvalidCursor e) {
                g.writeStringField("reason", e.reason());
            } else if (error instanceof SyncError.InvalidRequest e) {
                g.writeStringField("reason", e.reason());
            } else if (error instanceof SyncError.LimitExceeded e) {
                g.writeStringField("limit", e.limit());
                g.writeNumberField("allowed", e.allowed());
                g.writeNumberField("actual", e.actual());
            } else if (error instanceof SyncError.Unauthorized e) {
                g.writeStringField("reason", e.reason());
            } else if (error instanceof SyncError.Rejected e) {
                g.writeNumberField("index", e.index());
                g.writeNumberField("seqNum", e.seqNum());
                g.writeStringField("eventName", e.eventName());
                g.writeStringField("reason", e.reason());
            } else if (error instanceof SyncError.Unavailable e) {
                g.writeStringField("reason", e.reason());
            } else if (error instanceof SyncError.Unknown e) {
                g.writeStringField("reason", e.reason());
            }
        }
    }
}
