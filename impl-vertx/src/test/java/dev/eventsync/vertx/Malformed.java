package dev.eventsync.vertx;

import java.util.List;
import java.util.Random;

/**
 * Seeded malformed sync-cf messages: well-formed templates (push, pull, ping, ack, interrupt; WebSocket and HTTP
 * tags) broken by one to three random edits of the kinds clients get wrong or attackers try: truncation, stray
 * tokens, values of the wrong type or range (null, huge numbers, lone surrogates, NUL, deep nesting), removed or
 * duplicated parts, and sometimes plain garbage. Everything is drawn from the given {@link Random}, so a seed
 * replays the same messages.
 */
final class Malformed {

    static final String STORE = "fuzz";

    private static final String EVENT = "{\"name\":\"v1.Fuzz\",\"args\":{\"id\":\"a\",\"n\":[1,2,{\"x\":null}]},"
            + "\"seqNum\":4,\"parentSeqNum\":3,\"clientId\":\"client-F\",\"sessionId\":\"session-F\"}";

    private static final List<String> WS_TEMPLATES = List.of(
            "{\"_tag\":\"Request\",\"id\":\"ID\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"storeId\":\"" + STORE
                    + "\",\"batch\":[" + EVENT + "],\"backendId\":{\"_tag\":\"None\"}},\"headers\":[]}",
            "{\"_tag\":\"Request\",\"id\":\"ID\",\"tag\":\"SyncWsRpc.Pull\",\"payload\":{\"storeId\":\"" + STORE
                    + "\",\"live\":false,\"cursor\":{\"_tag\":\"Some\",\"value\":{\"backendId\":\"b\","
                    + "\"eventSequenceNumber\":1}}},\"headers\":[[\"x-a\",\"1\"]]}",
            "{\"_tag\":\"Request\",\"id\":\"ID\",\"tag\":\"SyncWsRpc.Pull\",\"payload\":{\"storeId\":\"" + STORE
                    + "\",\"payload\":{\"authToken\":\"t\"},\"live\":true,\"cursor\":{\"_tag\":\"None\"}},\"headers\":[]}",
            "{\"_tag\":\"Ping\"}",
            "{\"_tag\":\"Ack\",\"requestId\":\"ID\"}",
            "{\"_tag\":\"Interrupt\",\"requestId\":\"ID\"}",
            "{\"_tag\":\"Eof\"}");

    private static final List<String> HTTP_TEMPLATES = List.of(
            "{\"_tag\":\"Request\",\"id\":\"ID\",\"tag\":\"SyncHttpRpc.Push\",\"payload\":{\"storeId\":\"" + STORE
                    + "\",\"batch\":[" + EVENT + "],\"backendId\":{\"_tag\":\"Some\",\"value\":\"b\"}},\"headers\":[]}",
            "{\"_tag\":\"Request\",\"id\":\"ID\",\"tag\":\"SyncHttpRpc.Pull\",\"payload\":{\"storeId\":\"" + STORE
                    + "\",\"cursor\":{\"_tag\":\"None\"}},\"headers\":[]}",
            "{\"_tag\":\"Request\",\"id\":\"ID\",\"tag\":\"SyncHttpRpc.Ping\",\"payload\":{\"storeId\":\"" + STORE
                    + "\"},\"headers\":[]}");

    private static final List<String> TOKENS = List.of(",", "{", "}", "[", "]", "\"", ":", "null", "true", "-",
            "1e999", "-0", "99999999999999999999999", "9007199254740993", "\\ud800", "\\u0000", "\u0000", "\"\\u",
            "\\", "{\"_tag\":", "\"id\":", "\"_tag\":\"Request\"", "\ud800", "\uffff", "\u00e9", "/*", "NaN",
            "[[[[[[[[", "]]]]", "\"\"", ",,", "\t", "\n");

    private static final List<String> VALUES = List.of("null", "true", "false", "0", "-1", "1.5", "1e308",
            "9223372036854775808", "-9223372036854775809", "9007199254740992", "\"\"", "\"x\"", "\"\\ud800\"",
            "\"\\u0000\"", "[]", "{}", "[null]", "[[]]", "{\"_tag\":\"Some\"}", "{\"_tag\":\"Some\",\"value\":null}",
            "{\"_tag\":\"None\",\"value\":1}", "{\"a\":1,\"a\":2}", "\"SyncWsRpc.Pull\"", "\"Request\"");

    private final Random random;
    private int ids;

    Malformed(Random random) {
        this.random = random;
    }

    String webSocketMessage() {
        return mutate(template(WS_TEMPLATES));
    }

    String httpBody() {
        return mutate(template(HTTP_TEMPLATES));
    }

    private String template(List<String> templates) {
        String id = random.nextInt(10) == 0 ? Integer.toString(random.nextInt(5)) : "f" + ids++;
        return templates.get(random.nextInt(templates.size())).replace("ID", id);
    }

    /** One to three random edits; at least one, so that the result differs from the template. */
    String mutate(String message) {
        if (random.nextInt(50) == 0) {
            return garbage();
        }
        String m = message;
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            m = edit(m);
        }
        return m;
    }

    private String edit(String m) {
        if (m.isEmpty()) {
            return pick(TOKENS);
        }
        int at = random.nextInt(m.length() + 1);
        return switch (random.nextInt(8)) {
            case 0 -> m.substring(0, at); // truncated
            case 1 -> m.substring(0, at) + pick(TOKENS) + m.substring(at); // a stray token
            case 2 -> replaceValue(m, pick(VALUES)); // a value of the wrong type or range
            case 3 -> replaceValue(m, deep(990 + random.nextInt(40))); // nesting around the limit
            case 4 -> { // a part removed
                int end = Math.min(m.length(), at + 1 + random.nextInt(20));
                yield m.substring(0, at) + m.substring(end);
            }
            case 5 -> { // a part repeated
                int end = Math.min(m.length(), at + 1 + random.nextInt(30));
                yield m.substring(0, end) + m.substring(at, end) + m.substring(end);
            }
            case 6 -> replaceValue(m, "\"" + "\\u00e9x".repeat(random.nextInt(200)) + "\""); // a long string
            default -> m.substring(0, at) + (char) random.nextInt(0x80) + m.substring(at); // any ASCII char
        };
    }

    /** Replaces the value after a random {@code :} (up to the next {@code ,} or {@code }}) with {@code value}. */
    private String replaceValue(String m, String value) {
        int colon = m.indexOf(':', random.nextInt(m.length()));
        if (colon < 0) {
            colon = m.indexOf(':');
        }
        if (colon < 0) {
            return m + value;
        }
        int end = colon + 1;
        int depth = 0;
        boolean inString = false;
        for (; end < m.length(); end++) {
            char c = m.charAt(end);
            if (inString) {
                if (c == '\\') {
                    end++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (depth == 0) {
                    break;
                }
                depth--;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        return m.substring(0, colon + 1) + value + m.substring(Math.min(end, m.length()));
    }

    private String deep(int depth) {
        return random.nextBoolean() ? "[".repeat(depth) + "]".repeat(depth)
                : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    private String garbage() {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(200);
        for (int i = 0; i < n; i++) {
            b.append((char) (random.nextBoolean() ? random.nextInt(0x80) : random.nextInt(0xD7FF)));
        }
        return b.toString();
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    /** A query string for an HTTP sync request, sometimes broken (bad %-escapes, missing or odd parameters). */
    String httpTarget() {
        if (random.nextInt(10) != 0) {
            return "/?storeId=" + STORE + "&transport=http";
        }
        return pick(List.of("/?storeId=%&transport=http", "/?storeId=fu%zzzz&transport=http",
                "/?storeId=" + STORE + "&transport=http&payload=%7B%", "/?storeId=" + STORE + "&transport=http&payload=x",
                "/?storeId=&transport=http", "/?transport=http", "/?storeId=" + STORE + "&transport=carrier-pigeon",
                "/?storeId=" + "s".repeat(300) + "&transport=http", "/health?a=%zz", "/metrics?%", "/%zz",
                "/?storeId=" + STORE + "&storeId=other&transport=http", "/?storeId=a%00b&transport=http",
                "/?storeId=" + STORE + "&transport=ws"));
    }
}
