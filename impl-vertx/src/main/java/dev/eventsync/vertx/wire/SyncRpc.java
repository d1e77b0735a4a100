package dev.eventsync.vertx.wire;

import static dev.eventsync.api.json.JsonText.describe;
import static dev.eventsync.api.json.JsonText.rawValue;
import static dev.eventsync.api.json.JsonText.skipOpaque;
import static dev.eventsync.api.json.JsonText.write;
import static dev.eventsync.vertx.wire.WireFormatException.requireString;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.json.ProtocolJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The sync-cf RPCs ({@code SyncWsRpc.*} over WebSocket, {@code SyncHttpRpc.*} over HTTP) and their payloads:
 * decoding on the server, encoding on the client. Event {@code args} and the client's sync {@code payload} are
 * kept as the raw JSON text the client sent.
 */
public final class SyncRpc {

    public static final String WS_PULL = "SyncWsRpc.Pull";
    public static final String WS_PUSH = "SyncWsRpc.Push";
    public static final String HTTP_PULL = "SyncHttpRpc.Pull";
    public static final String HTTP_PUSH = "SyncHttpRpc.Push";
    public static final String HTTP_PING = "SyncHttpRpc.Ping";

    /** The success value of a push: {@code PushAck = {}}. */
    public static final String PUSH_ACK = "{}";
    /**
     * An RPC header (in the request's {@code headers} pairs) by which an Eventsync client asks for the push result
     * in the ack: with {@code 1}, the success value is {@code {"_tag":"Appended"|"AlreadyApplied"|"Empty","head":n,
     * "events":k}} instead of LiveStore's {@code {}}. Clients that do not send it (LiveStore) get exactly {@code {}}.
     */
    public static final String PUSH_RESULT_HEADER = "x-eventsync-push-result";

    /** The success value of an HTTP ping. */
    public static final String PONG = "{\"_tag\":\"SyncMessage.Pong\"}";

    private static final ObjectReader EVENT_READER = ProtocolJson.readerFor(Event.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectReader CURSOR_READER = ProtocolJson.readerFor(PullCursor.class)
            .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SyncRpc() {
    }

    /** Which RPC a request tag names, whatever the transport prefix. */
    public enum Kind {
        PULL, PUSH, PING;

        /** The kind for {@code tag}, or empty for a tag this server does not serve. */
        public static Optional<Kind> of(String tag) {
            return switch (tag) {
                case WS_PULL, HTTP_PULL -> Optional.of(PULL);
                case WS_PUSH, HTTP_PUSH -> Optional.of(PUSH);
                case HTTP_PING -> Optional.of(PING);
                default -> Optional.empty();
            };
        }
    }

    /** A pull request: {@code live} is false when absent (the HTTP form has no such field). */
    public record PullRequest(String storeId, Optional<String> payload, boolean live, Optional<PullCursor> cursor) {
        public PullRequest {
            Objects.requireNonNull(storeId, "storeId");
            Objects.requireNonNull(payload, "payload");
            Objects.requireNonNull(cursor, "cursor");
        }
    }

    /** A push request. */
    public record PushRequest(String storeId, Optional<String> payload, List<Event> batch,
                              Optional<String> backendId) {
        public PushRequest {
            Objects.requireNonNull(storeId, "storeId");
            Objects.requireNonNull(payload, "payload");
            batch = List.copyOf(batch);
            Objects.requireNonNull(backendId, "backendId");
        }
    }

    /** An HTTP ping request. */
    public record PingRequest(String storeId, Optional<String> payload) {
        public PingRequest {
            Objects.requireNonNull(storeId, "storeId");
            Objects.requireNonNull(payload, "payload");
        }
    }

    // ---------------------------------------------------------------- decoding (server)

    public static PullRequest decodePull(String json) throws WireFormatException {
        return decode(json, "Pull", new RpcFields<>() {
            private boolean live;
            private Optional<PullCursor> cursor;

            @Override
            public boolean read(String field, JsonToken value, JsonParser p) throws IOException, WireFormatException {
                switch (field) {
                    case "live" -> {
                        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                            throw new WireFormatException("Pull 'live' must be a boolean, got " + describe(value));
                        }
                        live = value == JsonToken.VALUE_TRUE;
                    }
                    case "cursor" -> cursor = cursorOption(p, "cursor");
                    default -> {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public PullRequest build(String storeId, Optional<String> payload) throws WireFormatException {
                if (cursor == null) {
                    throw new WireFormatException(
                            "Pull payload has no 'cursor' (use {\"_tag\":\"None\"} to pull from the root)");
                }
                return new PullRequest(storeId, payload, live, cursor);
            }
        });
    }

    public static PushRequest decodePush(String json) throws WireFormatException {
        return decode(json, "Push", pushFields());
    }

    private static RpcFields<PushRequest> pushFields() {
        return new RpcFields<>() {
            private List<Event> batch;
            private Optional<String> backendId = Optional.empty();

            @Override
            public boolean read(String field, JsonToken value, JsonParser p) throws IOException, WireFormatException {
                switch (field) {
                    case "batch" -> batch = batch(p);
                    case "backendId" -> backendId = stringOption(p, "backendId");
                    default -> {
                        return false;
                    }
                }
                return true;
            }

            @Override
            public PushRequest build(String storeId, Optional<String> payload) throws WireFormatException {
                if (batch == null) {
                    throw new WireFormatException("Push payload has no 'batch'");
                }
                return new PushRequest(storeId, payload, batch, backendId);
            }
        };
    }

    public static PingRequest decodePing(String json) throws WireFormatException {
        return decode(json, "Ping", (storeId, payload) -> new PingRequest(storeId, payload));
    }

    /**
     * How one RPC reads its own payload fields (besides {@code storeId} and {@code payload}, which every RPC
     * has) and builds its request once the object is read.
     */
    private interface RpcFields<T> {
        /** Reads {@code field}, whose first token {@code value} is current; false for a field this RPC ignores. */
        default boolean read(String field, JsonToken value, JsonParser p) throws IOException, WireFormatException {
            return false;
        }

        T build(String storeId, Optional<String> payload) throws WireFormatException;
    }

    /** Decodes the payload object of the RPC {@code what}: the common fields here, its own by {@code rpc}. */
    private static <T> T decode(String json, String what, RpcFields<T> rpc) throws WireFormatException {
        try (JsonParser p = open(json, what)) {
            return readFields(p, what, rpc);
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed " + what + " payload: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link #decodePush} with {@code p}, a message's parser on the payload's start; ends on the payload's end. */
    static PushRequest readPush(JsonParser p) throws IOException, WireFormatException {
        return readFields(p, "Push", pushFields());
    }

    /** The fields of the payload object whose {@code START_OBJECT} is current; {@code p} ends on its end. */
    private static <T> T readFields(JsonParser p, String what, RpcFields<T> rpc) throws IOException, WireFormatException {
        String storeId = null;
        var payload = Optional.<String>empty();
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "storeId" -> storeId = requireString(p, "storeId");
                case "payload" -> payload = syncPayload(p);
                default -> {
                    if (!rpc.read(field, v, p)) {
                        skipOpaque(p);
                    }
                }
            }
        }
        if (storeId == null) {
            throw new WireFormatException(what + " payload has no 'storeId'");
        }
        return rpc.build(storeId, payload);
    }

    /** The push ack's value: {@code {}}, or the detailed result when the client asked for it. */
    public static String pushAck(PushResult result, List<Map.Entry<String, String>> requestHeaders) {
        boolean detailed = requestHeaders.stream()
                .anyMatch(h -> h.getKey().equalsIgnoreCase(PUSH_RESULT_HEADER) && "1".equals(h.getValue()));
        if (!detailed) {
            return PUSH_ACK;
        }
        return write(g -> {
            g.writeStartObject();
            if (result instanceof PushResult.Appended a) {
                g.writeStringField("_tag", "Appended");
                g.writeNumberField("head", a.newHead());
                g.writeNumberField("events", a.eventCount());
            } else if (result instanceof PushResult.AlreadyApplied a) {
                g.writeStringField("_tag", "AlreadyApplied");
                g.writeNumberField("head", a.currentHead());
            } else {
                g.writeStringField("_tag", "Empty");
                if (result.head().isPresent()) {
                    g.writeNumberField("head", result.head().getAsLong());
                }
            }
            g.writeEndObject();
        });
    }

    /** The detailed push result in an ack's value, when the server sent one (an Eventsync server asked to). */
    public static Optional<PushResult> decodePushResult(Optional<String> value) {
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            com.fasterxml.jackson.databind.JsonNode node = ProtocolJson.readTree(value.get());
            com.fasterxml.jackson.databind.JsonNode head = node.path("head");
            if (!head.isIntegralNumber()) {
                return Optional.empty();
            }
            return switch (node.path("_tag").asText("")) {
                case "Appended" -> Optional.of(new PushResult.Appended(head.asLong(), node.path("events").asInt()));
                case "AlreadyApplied" -> Optional.of(new PushResult.AlreadyApplied(head.asLong()));
                case "Empty" -> Optional.of(new PushResult.Empty(head.asLong()));
                default -> Optional.empty();
            };
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- encoding (client)

    /** A WS pull payload ({@code live} present) or, with {@code http}, the HTTP form (no {@code live}). */
    public static String encodePull(String storeId, Optional<String> payload, boolean live,
                                    Optional<PullCursor> cursor, boolean http) {
        // sync-cf 0.4.0's cursor schema requires the store's backendId and refuses any other one (an empty one
        // included) with BackendIdMismatchError: a cursor that does not name it never goes on the wire
        if (cursor.isPresent() && cursor.get().backendId().filter(id -> !id.isBlank()).isEmpty()) {
            throw new SyncErrorException(new SyncError.InvalidCursor("a pull after " + cursor.get().eventSequenceNumber()
                    + " must name the store's backendId (sync-cf requires it); pull from the root or use a cursor of a"
                    + " page this store sent, got " + cursor.get().backendId().map(id -> "'" + id + "'").orElse("none")));
        }
        return write(g -> {
            g.writeStartObject();
            writeStoreAndPayload(g, storeId, payload);
            if (!http) {
                g.writeBooleanField("live", live);
            }
            g.writeObjectFieldStart("cursor");
            if (cursor.isPresent()) {
                g.writeStringField("_tag", "Some");
                g.writeFieldName("value");
                PullCursor c = cursor.get();
                g.writeStartObject();
                g.writeStringField("backendId", c.backendId().orElseThrow());
                g.writeNumberField("eventSequenceNumber", c.eventSequenceNumber());
                g.writeEndObject();
            } else {
                g.writeStringField("_tag", "None");
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    public static String encodePush(String storeId, Optional<String> payload, List<Event> batch,
                                    Optional<String> backendId) {
        return write(g -> {
            g.writeStartObject();
            writeStoreAndPayload(g, storeId, payload);
            g.writeArrayFieldStart("batch");
            for (Event e : batch) {
                g.writeRawValue(ProtocolJson.write(e));
            }
            g.writeEndArray();
            g.writeObjectFieldStart("backendId");
            if (backendId.isPresent()) {
                g.writeStringField("_tag", "Some");
                g.writeStringField("value", backendId.get());
            } else {
                g.writeStringField("_tag", "None");
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    public static String encodePing(String storeId, Optional<String> payload) {
        return write(g -> {
            g.writeStartObject();
            writeStoreAndPayload(g, storeId, payload);
            g.writeEndObject();
        });
    }

    /** The fields every request payload starts with: {@code storeId}, and the client's sync payload if any. */
    private static void writeStoreAndPayload(JsonGenerator g, String storeId, Optional<String> payload)
            throws IOException {
        g.writeStringField("storeId", storeId);
        if (payload.isPresent()) {
            g.writeFieldName("payload");
            g.writeRawValue(payload.get());
        }
    }

    // ---------------------------------------------------------------- helpers

    private static JsonParser open(String json, String what) throws IOException, WireFormatException {
        JsonParser p = ProtocolJson.factory().createParser(json);
        if (p.nextToken() != JsonToken.START_OBJECT) {
            JsonToken t = p.currentToken();
            p.close();
            throw new WireFormatException(what + " payload must be a JSON object, got " + describe(t));
        }
        return p;
    }

    private static List<Event> batch(JsonParser p) throws IOException, WireFormatException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new WireFormatException("'batch' must be an array of events, got " + describe(p.currentToken()));
        }
        List<Event> batch = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("event #" + batch.size() + " of the batch must be an event object, got "
                        + describe(p.currentToken()));
            }
            try {
                batch.add(EVENT_READER.readValue(p));
            } catch (JsonProcessingException e) {
                throw new WireFormatException("event #" + batch.size() + " of the batch: " + e.getOriginalMessage());
            }
        }
        return batch;
    }

    /** An Effect Option of a cursor: {@code {"_tag":"None"}} or {@code {"_tag":"Some","value":{...}}}. */
    private static Optional<PullCursor> cursorOption(JsonParser p, String field) throws IOException, WireFormatException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new WireFormatException("'" + field + "' must be an Option object ({\"_tag\":\"None\"} or "
                    + "{\"_tag\":\"Some\",\"value\":...}), got " + describe(p.currentToken()));
        }
        Optional<PullCursor> cursor = optionBody(p, field, "...", () -> {
            try {
                return CURSOR_READER.readValue(p);
            } catch (JsonProcessingException e) {
                throw new WireFormatException("bad '" + field + "': " + e.getOriginalMessage());
            }
        });
        // an empty backendId (sent by clients that have none yet) means "do not check"
        return cursor.map(c -> c.backendId().filter(String::isEmpty).isPresent()
                ? new PullCursor(c.eventSequenceNumber(), Optional.empty()) : c);
    }

    /** An Effect Option of a string, or {@code null} for none. */
    private static Optional<String> stringOption(JsonParser p, String field) throws IOException, WireFormatException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new WireFormatException("'" + field + "' must be an Option object, got "
                    + describe(p.currentToken()));
        }
        return optionBody(p, field, "\"...\"", () -> requireString(p, field + ".value"));
    }

    private interface ValueReader<T> {
        T read() throws IOException, WireFormatException;
    }

    /**
     * The fields of an Effect Option object whose start is current: {@code _tag} None, or Some with a
     * {@code value} read by {@code value}; {@code valueShape} shows that value in the error for anything else.
     */
    private static <T> Optional<T> optionBody(JsonParser p, String field, String valueShape, ValueReader<T> value)
            throws IOException, WireFormatException {
        String tag = null;
        T some = null;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            switch (name) {
                case "_tag" -> tag = requireString(p, field + "._tag");
                case "value" -> some = value.read();
                default -> skipOpaque(p);
            }
        }
        if ("None".equals(tag)) {
            return Optional.empty();
        }
        if ("Some".equals(tag) && some != null) {
            return Optional.of(some);
        }
        throw new WireFormatException("'" + field + "' must be {\"_tag\":\"None\"} or {\"_tag\":\"Some\",\"value\":"
                + valueShape + "}");
    }

    private static Optional<String> syncPayload(JsonParser p) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return Optional.empty();
        }
        return Optional.of(rawValue(p));
    }
}
