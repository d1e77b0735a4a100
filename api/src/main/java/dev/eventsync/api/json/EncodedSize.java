package dev.eventsync.api.json;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoredEvent;

/**
 * The exact number of UTF-8 bytes {@link ProtocolSerializers} writes for an event, counted from its fields
 * without encoding it (issue 13: encoding every event once more only to count its bytes was ~15% of push
 * CPU). It follows Jackson's default escaping: the quote, the backslash and the control characters
 * backspace, tab, line feed, form feed and carriage return take two bytes, the other control characters six
 * (a {@code u00XX} escape), a surrogate pair twelve (two escapes), everything else its UTF-8 length; {@code args} is raw text. A string with an
 * unpaired surrogate, which Jackson refuses or replaces, is reported as {@link #UNKNOWN}, and the caller
 * counts by encoding.
 */
final class EncodedSize {

    /** The size cannot be counted arithmetically. */
    static final long UNKNOWN = -1;

    private static final int EVENT_FIXED = "{\"name\":,\"seqNum\":,\"parentSeqNum\":,\"clientId\":,\"sessionId\":}".length();
    private static final int ARGS_FIXED = ",\"args\":".length();
    private static final int STORED_FIXED = ("{\"eventEncoded\":,\"metadata\":{\"_tag\":\"Some\",\"value\":{\"_tag\":\""
            + ProtocolSerializers.SYNC_METADATA_TAG + "\",\"createdAt\":}}}").length();

    private EncodedSize() {
    }

    static long of(Event e) {
        long name = string(e.name());
        long client = string(e.clientId());
        long session = string(e.sessionId());
        long args = e.args().isPresent() ? raw(e.args().get()) : 0;
        if (name < 0 || client < 0 || session < 0 || args < 0) {
            return UNKNOWN;
        }
        return EVENT_FIXED + name + client + session + (e.args().isPresent() ? ARGS_FIXED + args : 0)
                + digits(e.seqNum()) + digits(e.parentSeqNum());
    }

    static long of(StoredEvent e) {
        long event = of(e.event());
        if (event < 0) {
            return UNKNOWN;
        }
        return STORED_FIXED + event + 2 + ProtocolSerializers.formatInstant(e.createdAt()).length();
    }

    /** A JSON string's bytes, quotes included. */
    static long string(String s) {
        long n = 2;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20) {
                    n += c == '"' || c == '\\' ? 2 : 1;
                } else {
                    n += c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r' ? 2 : 6;
                }
            } else {
                int bytes = nonAscii(s, i, c);
                if (bytes < 0) {
                    return UNKNOWN;
                }
                if (bytes == 4) {
                    // Jackson writes a surrogate pair in a string as two escapes (COMBINE_UNICODE_SURROGATES_IN_UTF8 is off)
                    n += 12;
                    i++;
                } else {
                    n += bytes;
                }
            }
        }
        return n;
    }

    /** Raw text's UTF-8 bytes. */
    static long raw(String s) {
        long n = 0;
        for (int i = 0, len = s.length(); i < len; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else {
                int bytes = nonAscii(s, i, c);
                if (bytes < 0) {
                    return UNKNOWN;
                }
                n += bytes;
                if (bytes == 4) {
                    i++;
                }
            }
        }
        return n;
    }

    private static int nonAscii(String s, int i, char c) {
        if (c < 0x800) {
            return 2;
        }
        if (!Character.isSurrogate(c)) {
            return 3;
        }
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            return 4;
        }
        return -1;
    }

    /** The characters of {@link Long#toString(long) v}. */
    static int digits(long v) {
        if (v < 0) {
            return v == Long.MIN_VALUE ? 20 : 1 + digits(-v);
        }
        int d = 1;
        for (long p = 10; d < 19 && v >= p; p *= 10) {
            d++;
        }
        return d;
    }
}
