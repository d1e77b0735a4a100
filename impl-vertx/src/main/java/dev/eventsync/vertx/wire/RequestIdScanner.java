package dev.eventsync.vertx.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Optional;

/**
 * Finds the request id of a frame that could not be decoded (malformed JSON, nesting deeper than allowed, too
 * large), so that the answer is a {@code Failure} for that request instead of a connection-level {@code Defect}.
 * A single pass over the characters that tracks only string and bracket boundaries: it needs no nesting limit,
 * allocates nothing for the parts it skips, and runs only on the failure path.
 */
final class RequestIdScanner {

    private RequestIdScanner() {
    }

    /**
     * The top-level {@code id} (a string or an integer) of a frame that is, or starts like, a JSON object whose
     * {@code _tag} is {@code Request} or absent; empty otherwise (an {@code Ack}'s {@code requestId} names no
     * request to fail).
     */
    static Optional<String> requestIdOf(String text) {
        String id = null;
        String tag = null;
        int n = text.length();
        int i = skipWhitespace(text, 0);
        if (i >= n || text.charAt(i) != '{') {
            return Optional.empty();
        }
        int depth = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"') {
                int end = endOfString(text, i);
                if (end < 0) {
                    break;
                }
                int colon = depth == 1 ? skipWhitespace(text, end) : -1;
                if (colon >= 0 && colon < n && text.charAt(colon) == ':') {
                    String key = text.substring(i + 1, end - 1);
                    int v = skipWhitespace(text, colon + 1);
                    if (("id".equals(key) || "_tag".equals(key)) && v < n) {
                        int valueEnd = scalarEnd(text, v);
                        if (valueEnd > v) {
                            String value = scalar(text.substring(v, valueEnd));
                            if ("id".equals(key) && id == null) {
                                if (hasUnpairedSurrogate(value)) {
                                    return Optional.empty(); // no id that could be echoed exactly: a Defect
                                }
                                id = value;
                            } else if ("_tag".equals(key) && tag == null) {
                                tag = value;
                            }
                            i = valueEnd;
                            continue;
                        }
                    }
                    i = v;
                    continue;
                }
                i = end;
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) {
                    break;
                }
            }
            i++;
        }
        if (id == null || (tag != null && !"Request".equals(tag))) {
            return Optional.empty();
        }
        return Optional.of(id);
    }

    /** The index after the string starting at {@code start} (a quote), or -1 when it never ends. */
    private static int endOfString(String text, int start) {
        for (int i = start + 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i + 1;
            }
        }
        return -1;
    }

    /** The end of a string or integer value at {@code start}; {@code start} itself for any other value. */
    private static int scalarEnd(String text, int start) {
        char c = text.charAt(start);
        if (c == '"') {
            int end = endOfString(text, start);
            return end < 0 ? start : end;
        }
        int i = start;
        if (c == '-') {
            i++;
        }
        int digits = i;
        while (i < text.length() && Character.isDigit(text.charAt(i)) && i - start < 20) {
            i++;
        }
        // only a whole integer is an id: "1.5", "1e0" or a cut-off number must not become "1"
        int next = skipWhitespace(text, i);
        boolean delimited = next < text.length() && (text.charAt(next) == ',' || text.charAt(next) == '}');
        return i > digits && delimited ? i : start;
    }

    /** Whether {@code s} holds a surrogate char that is not part of a pair: such an id cannot be echoed exactly. */
    static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /** A string literal unescaped (through the JSON parser: it is small and flat), or an integer as written. */
    private static String scalar(String literal) {
        if (literal.charAt(0) != '"') {
            return literal;
        }
        if (literal.indexOf('\\') < 0) {
            return literal.substring(1, literal.length() - 1);
        }
        try (JsonParser p = dev.eventsync.api.json.ProtocolJson.factory().createParser(literal)) {
            return p.nextToken() == JsonToken.VALUE_STRING ? p.getText() : literal;
        } catch (IOException e) {
            return literal.substring(1, literal.length() - 1);
        }
    }

    private static int skipWhitespace(String text, int i) {
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t' || text.charAt(i) == '\n'
                || text.charAt(i) == '\r')) {
            i++;
        }
        return i;
    }
}
