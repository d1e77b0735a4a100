package dev.eventsync.vertx.server;

import static dev.eventsync.api.json.JsonText.abbreviate;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.vertx.dispatch.Transport;
import io.vertx.core.MultiMap;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;

/**
 * What a sync request's query says: {@code ?storeId=<id>&payload=<P>&transport=ws|http}, on any path.
 * {@code payload} arrives percent-encoded twice (LiveStore applies {@code encodeURIComponent} and then
 * {@code URLSearchParams}); the query decoding undoes the second, {@link #decodeUriComponent(String)} the first.
 */
record SyncTarget(StoreId storeId, Transport transport, Optional<String> payload) {

    SyncTarget {
        Objects.requireNonNull(storeId, "storeId");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(payload, "payload");
    }

    /** Whether the query names a sync request at all (either parameter present). */
    static boolean isSyncRequest(MultiMap params) {
        return params.contains("storeId") || params.contains("transport");
    }

    /** Parses the already query-decoded parameters; a problem is a {@link BadTarget} with a 4xx status. */
    static SyncTarget parse(MultiMap params) throws BadTarget {
        String store = params.get("storeId");
        if (store == null || store.isEmpty()) {
            throw new BadTarget(400, "missing query parameter 'storeId': a sync request looks like "
                    + "?storeId=<store>&transport=ws|http[&payload=<json>]");
        }
        StoreId storeId;
        try {
            storeId = StoreId.of(store);
        } catch (SyncErrorException e) {
            throw new BadTarget(400, e.error().message());
        }
        String t = params.get("transport");
        Transport transport;
        if ("ws".equals(t)) {
            transport = Transport.WS;
        } else if ("http".equals(t)) {
            transport = Transport.HTTP;
        } else {
            throw new BadTarget(400, t == null ? "missing query parameter 'transport': use transport=ws or transport=http"
                    : "unknown transport '" + abbreviate(t) + "': use transport=ws or transport=http");
        }
        Optional<String> payload = Optional.empty();
        String raw = params.get("payload");
        if (raw != null && !raw.isEmpty()) {
            String json;
            try {
                json = decodeUriComponent(raw);
            } catch (IllegalArgumentException e) {
                throw new BadTarget(400, "query parameter 'payload' is not percent-encoded JSON: " + e.getMessage());
            }
            if (!ProtocolJson.isValidJson(json)) {
                throw new BadTarget(400, "query parameter 'payload' is not valid JSON after decoding");
            }
            payload = Optional.of(json);
        }
        return new SyncTarget(storeId, transport, payload);
    }

    /**
     * JavaScript's {@code decodeURIComponent}: {@code %XX} sequences are UTF-8 bytes; {@code +} stays a plus
     * (unlike form decoding). Malformed escapes or invalid UTF-8 fail with {@link IllegalArgumentException}.
     */
    static String decodeUriComponent(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            bytes.reset();
            while (i < s.length() && s.charAt(i) == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("incomplete escape at position " + i);
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad escape '" + s.substring(i, i + 3) + "' at position " + i);
                }
                bytes.write((hi << 4) | lo);
                i += 3;
            }
            try {
                out.append(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes.toByteArray())));
            } catch (CharacterCodingException e) {
                throw new IllegalArgumentException("escapes are not valid UTF-8");
            }
        }
        return out.toString();
    }

    /** A request that is not a valid sync request; {@code status} is the HTTP status to answer with. */
    static final class BadTarget extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        BadTarget(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
