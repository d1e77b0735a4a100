package dev.eventsync.api.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.ContentReference;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The one set of JSON and text helpers every module that reads or writes the protocol shares: writing a value
 * with a generator, copying a value's exact source text out of a document, skipping an opaque value, naming a
 * token in an error message, counting encoded bytes, and cutting untrusted input short for error messages.
 * Works on {@link ProtocolJson}'s factory; pure and thread-safe.
 */
public final class JsonText {

    /** The most characters of untrusted input an error message repeats. */
    public static final int ABBREVIATE_AT = 64;

    private JsonText() {
    }

    /** What writes one JSON value to a generator. */
    @FunctionalInterface
    public interface GeneratorBody {
        void write(JsonGenerator g) throws IOException;
    }

    /** The JSON text {@code body} writes, with the protocol's factory. */
    public static String write(GeneratorBody body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = ProtocolJson.factory().createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** {@code s} as a JSON string literal, quotes included, escaped as the protocol's generators escape it. */
    public static String quoted(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
                return write(g -> g.writeString(s));
            }
        }
        return new StringBuilder(s.length() + 2).append('"').append(s).append('"').toString();
    }

    /** The number of UTF-8 bytes {@code body} writes, without keeping them. */
    public static long encodedBytes(GeneratorBody body) {
        CountingOutputStream out = new CountingOutputStream();
        try (JsonGenerator g = ProtocolJson.factory().createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.count;
    }

    /**
     * The exact source text of the value at the parser's current token; leaves the parser on the value's last
     * token. Repeated member names inside the value are not checked (see {@link #skipOpaque}). A parser with no
     * source text to copy from (over a tree) gives the value re-encoded: the JSON value is kept, its spelling
     * is not.
     */
    public static String rawValue(JsonParser p) throws IOException {
        if (!hasSourceText(p)) {
            return ProtocolJson.reader().readTree(p).toString();
        }
        JsonLocation start = p.currentTokenLocation();
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            p.getText(); // completes the lazily parsed token so that the end location is exact
        }
        skipOpaque(p);
        return sourceSince(p, start);
    }

    /**
     * The exact source text from {@code start}, a token location of {@code p}, to the end of the token {@code p}
     * is on: after reading a value in full, its text as the document spells it. {@code p} must read from source
     * text (a String, characters or bytes), not from a tree.
     */
    public static String sourceSince(JsonParser p, JsonLocation start) {
        ContentReference ref = start.contentReference();
        Object raw = ref.getRawContent();
        JsonLocation end = p.currentLocation();
        int base = Math.max(ref.contentOffset(), 0);
        if (raw instanceof String s) {
            return s.substring(base + (int) start.getCharOffset(), base + (int) end.getCharOffset());
        }
        if (raw instanceof char[] chars) {
            int from = base + (int) start.getCharOffset();
            return new String(chars, from, (int) (end.getCharOffset() - start.getCharOffset()));
        }
        byte[] bytes = (byte[]) raw;
        int from = base + (int) start.getByteOffset();
        return new String(bytes, from, (int) (end.getByteOffset() - start.getByteOffset()), StandardCharsets.UTF_8);
    }

    /** Whether {@code p} reads from source text that {@link #rawValue} can copy from (not over a tree). */
    private static boolean hasSourceText(JsonParser p) {
        ContentReference ref = p.currentTokenLocation().contentReference();
        Object raw = ref == null ? null : ref.getRawContent();
        return raw instanceof String || raw instanceof char[] || raw instanceof byte[];
    }

    /**
     * Skips the value at the current token (a no-op for a scalar) without checking it for repeated names:
     * {@code args} and payloads are opaque (RFC 8259 allows repeated names), while the envelope around them
     * stays strict.
     */
    public static void skipOpaque(JsonParser p) throws IOException {
        boolean strict = p.isEnabled(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        if (strict && p.currentToken() != null && p.currentToken().isStructStart()) {
            p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // for this container and its children
        }
        p.skipChildren();
        if (strict) {
            p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION); // the enclosing object kept its own check
        }
    }

    /** A token in words, for error messages: "an object", "a string", "nothing" ... */
    public static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    /** {@code s} cut to {@value #ABBREVIATE_AT} characters, for echoing untrusted input in error messages. */
    public static String abbreviate(String s) {
        return abbreviate(s, ABBREVIATE_AT);
    }

    /** {@code s} cut to {@code max} characters, with {@code ...} marking the cut. */
    public static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "...";
    }

    /**
     * The number of bytes of {@code s} in UTF-8, without encoding it; a lone surrogate counts as the 3 bytes of
     * its replacement. Saturates at {@link Integer#MAX_VALUE}.
     */
    public static int utf8Length(String s) {
        int n = s.length();
        if (n > Integer.MAX_VALUE / 3) {
            return Integer.MAX_VALUE;
        }
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
