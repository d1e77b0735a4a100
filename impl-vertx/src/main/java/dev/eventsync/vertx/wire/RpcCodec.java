package dev.eventsync.vertx.wire;

import static dev.eventsync.api.json.JsonText.abbreviate;
import static dev.eventsync.api.json.JsonText.describe;
import static dev.eventsync.api.json.JsonText.rawValue;
import static dev.eventsync.api.json.JsonText.skipOpaque;
import static dev.eventsync.api.json.JsonText.sourceSince;
import static dev.eventsync.api.json.JsonText.write;
import static dev.eventsync.vertx.wire.WireFormatException.requireString;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.json.JsonText;
import dev.eventsync.api.json.ProtocolJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Effect RPC JSON framing as LiveStore's sync-cf speaks it (Effect 3 / {@code @effect/rpc} 0.75, and the
 * Effect 4 cause form): encodes and decodes both directions. Pure and thread-safe.
 *
 * <p>Decoding works on the frame's text so that raw JSON (request payloads, event {@code args}) is sliced out
 * of the original text unchanged. Every decoding failure is a {@link WireFormatException} whose message says
 * what was wrong, with the request id when it could be read.
 */
public final class RpcCodec {

    /** The deepest nesting Jackson's parsers allow by default, and so the most {@code maxJsonDepth} can be. */
    public static final int MAX_JSON_DEPTH = StreamReadConstraints.DEFAULT_MAX_DEPTH;

    private final CauseFormat causeFormat;
    private final int maxJsonDepth;
    private final JsonFactory clientMessages;

    public RpcCodec(CauseFormat causeFormat) {
        this(causeFormat, MAX_JSON_DEPTH);
    }

    /**
     * A codec that refuses client messages nested deeper than {@code maxJsonDepth} (1..{@value #MAX_JSON_DEPTH})
     * arrays and objects, the message's own object included, with {@code LimitExceeded("maxJsonDepth")}.
     */
    public RpcCodec(CauseFormat causeFormat, int maxJsonDepth) {
        this.causeFormat = Objects.requireNonNull(causeFormat, "causeFormat");
        if (maxJsonDepth < 1 || maxJsonDepth > MAX_JSON_DEPTH) {
            throw new IllegalArgumentException("maxJsonDepth must be 1.." + MAX_JSON_DEPTH + ", got " + maxJsonDepth);
        }
        this.maxJsonDepth = maxJsonDepth;
        JsonFactory limited = ProtocolJson.factory().copy();
        limited.setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(maxJsonDepth).build());
        this.clientMessages = limited;
    }

    public CauseFormat causeFormat() {
        return causeFormat;
    }

    // ---------------------------------------------------------------- server -> client

    /** {@code {"_tag":"Chunk","requestId":..,"values":[page]}}: one PullResponse per chunk, as sync-cf sends. */
    public String chunk(String requestId, PullPage page) {
        // the page's events are copied from the encodings they keep, straight into the frame's text
        return ProtocolJson.writePage("{\"_tag\":\"Chunk\",\"requestId\":" + JsonText.quoted(requestId)
                + ",\"values\":[", page, "]}");
    }

    /**
     * An {@code Exit} success. {@code rawValue} is the value's JSON; empty for stream RPCs, whose
     * {@code void} value JSON drops: {@code {"_tag":"Success"}}.
     */
    public String exitSuccess(String requestId, Optional<String> rawValue) {
        // built as text: one ack per push, and a generator per ack showed in the push profile
        StringBuilder out = new StringBuilder(64 + requestId.length() + rawValue.map(String::length).orElse(0))
                .append("{\"_tag\":\"Exit\",\"requestId\":").append(JsonText.quoted(requestId))
                .append(",\"exit\":{\"_tag\":\"Success\"");
        rawValue.ifPresent(value -> out.append(",\"value\":").append(value));
        return out.append("}}").toString();
    }

    /** An {@code Exit} failure whose cause is {@code Fail(error)} in the configured {@link CauseFormat}. */
    public String exitFailure(String requestId, SyncError error) {
        String encodedError = ProtocolJson.write(error);
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("_tag", "Exit");
            g.writeStringField("requestId", requestId);
            g.writeObjectFieldStart("exit");
            g.writeStringField("_tag", "Failure");
            g.writeFieldName("cause");
            if (causeFormat == CauseFormat.EFFECT4_ARRAY) {
                g.writeStartArray();
            }
            g.writeStartObject();
            g.writeStringField("_tag", "Fail");
            g.writeFieldName("error");
            g.writeRawValue(encodedError);
            g.writeEndObject();
            if (causeFormat == CauseFormat.EFFECT4_ARRAY) {
                g.writeEndArray();
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** {@code {"_tag":"Pong"}}. */
    public String pong() {
        return "{\"_tag\":\"Pong\"}";
    }

    /** A connection-level {@code Defect} with an Error-shaped defect ({@code {name, message}}). */
    public String defect(String message) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("_tag", "Defect");
            g.writeObjectFieldStart("defect");
            g.writeStringField("name", "EventsyncProtocolError");
            g.writeStringField("message", message);
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    // ---------------------------------------------------------------- client -> server

    /** A request frame; {@code rawPayload} is the payload's JSON text. */
    public String request(String id, String tag, String rawPayload, List<Map.Entry<String, String>> headers) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("_tag", "Request");
            g.writeStringField("id", id);
            g.writeStringField("tag", tag);
            g.writeFieldName("payload");
            g.writeRawValue(rawPayload);
            g.writeArrayFieldStart("headers");
            for (Map.Entry<String, String> h : headers) {
                g.writeStartArray();
                g.writeString(h.getKey());
                g.writeString(h.getValue());
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    /** {@code {"_tag":"Ack","requestId":..}}: the subscriber took the chunk, the server may send the next. */
    public String ack(String requestId) {
        return requestControl("Ack", requestId);
    }

    /** {@code {"_tag":"Interrupt","requestId":..}}: the client no longer wants the request's answer. */
    public String interrupt(String requestId) {
        return requestControl("Interrupt", requestId);
    }

    private static String requestControl(String tag, String requestId) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("_tag", tag);
            g.writeStringField("requestId", requestId);
            g.writeEndObject();
        });
    }

    public String ping() {
        return "{\"_tag\":\"Ping\"}";
    }

    // ---------------------------------------------------------------- decoding, server side

    /**
     * Decodes one client frame. A push whose {@code tag} comes before its {@code payload} (as LiveStore sends it)
     * is decoded in the same pass ({@link ClientMessage.Request#decodedPush()}); when that payload is not a valid
     * push, the frame is decoded again in two passes, so that every error is the one the two passes report.
     */
    public ClientMessage decodeClientMessage(String text) throws WireFormatException {
        try {
            return decode(text, true);
        } catch (OnePassFailed e) {
            return decode(text, false);
        }
    }

    /** The frame in two passes: the payload is only sliced out, to be decoded by {@link SyncRpc}. */
    ClientMessage decodeInTwoPasses(String text) throws WireFormatException {
        return decode(text, false);
    }

    /** A push payload that the one-pass decoding could not read; the frame is decoded again in two passes. */
    private static final class OnePassFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OnePassFailed() {
            super(null, null, false, false);
        }
    }

    private ClientMessage decode(String text, boolean onePass) throws WireFormatException {
        String tag = null;
        String id = null;
        try (JsonParser p = clientMessages.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("a message must be a JSON object with a '_tag', got "
                        + describe(p.currentToken()));
            }
            String requestId = null;
            String rpcTag = null;
            String payload = null;
            SyncRpc.PushRequest push = null;
            List<Map.Entry<String, String>> headers = List.of();
            // Jackson reuses a parser's nested contexts with the duplicate-name checks they had, so that whether a
            // repeated name inside an opaque value is refused depends on the structures read before it at the same
            // depth: one pass only where those are what the two passes see (no structure before the payload, and
            // none but the headers after it), so that both accept and refuse the same frames
            boolean structureBefore = false;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (push != null && value.isStructStart() && !"headers".equals(field)) {
                    throw new OnePassFailed();
                }
                boolean onePassHere = onePass && !structureBefore;
                structureBefore |= value.isStructStart();
                switch (field) {
                    case "_tag" -> tag = requireString(p, "_tag");
                    case "id" -> id = idValue(p, "id");
                    case "requestId" -> requestId = idValue(p, "requestId");
                    case "tag" -> rpcTag = requireString(p, "tag");
                    case "payload" -> {
                        if (onePassHere && value == JsonToken.START_OBJECT && rpcTag != null
                                && SyncRpc.Kind.of(rpcTag).orElse(null) == SyncRpc.Kind.PUSH) {
                            JsonLocation start = p.currentTokenLocation();
                            push = readPush(p);
                            payload = sourceSince(p, start);
                        } else {
                            payload = rawValue(p);
                        }
                    }
                    case "headers" -> headers = headers(p);
                    default -> skipOpaque(p);
                }
            }
            if (p.nextToken() != null) {
                throw new WireFormatException("trailing data after the message object");
            }
            if (tag == null) {
                throw new WireFormatException("message has no '_tag'", Optional.ofNullable(id));
            }
            return switch (tag) {
                case "Request" -> {
                    if (id == null) {
                        throw new WireFormatException("Request has no 'id'");
                    }
                    if (rpcTag == null) {
                        throw new WireFormatException("Request has no 'tag' naming the RPC", Optional.of(id));
                    }
                    if (payload == null) {
                        throw new WireFormatException("Request " + rpcTag + " has no 'payload'", Optional.of(id));
                    }
                    yield new ClientMessage.Request(id, rpcTag, payload, headers, push);
                }
                case "Ack" -> new ClientMessage.Ack(require(requestId, "Ack has no 'requestId'"));
                case "Interrupt" -> new ClientMessage.Interrupt(require(requestId, "Interrupt has no 'requestId'"));
                case "Ping" -> new ClientMessage.Ping();
                case "Eof" -> new ClientMessage.Eof();
                default -> throw new WireFormatException("unknown message tag '" + abbreviate(tag)
                        + "'; expected Request, Ack, Interrupt, Ping or Eof", Optional.ofNullable(id));
            };
        } catch (StreamConstraintsException e) {
            String message = String.valueOf(e.getOriginalMessage());
            SyncError error = message.contains("nesting depth")
                    ? new SyncError.LimitExceeded("maxJsonDepth", maxJsonDepth, maxJsonDepth + 1L)
                    : new SyncError.InvalidRequest("the message exceeds a parser limit: " + message);
            throw attributed(new WireFormatException(error.message(), Optional.empty(), Optional.of(error)), text, tag, id);
        } catch (JsonProcessingException e) {
            throw attributed(new WireFormatException("malformed JSON: " + e.getOriginalMessage()), text, tag, id);
        } catch (WireFormatException e) {
            throw attributed(e, text, tag, id);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@link SyncRpc#readPush}, or {@link OnePassFailed} for a payload it cannot read. */
    private static SyncRpc.PushRequest readPush(JsonParser p) {
        try {
            return SyncRpc.readPush(p);
        } catch (IOException | WireFormatException | RuntimeException e) {
            throw new OnePassFailed();
        }
    }

    /**
     * {@code e} for the request it belongs to, when that is known: the {@code id} read so far, or else the one a
     * scan of the text finds, unless the message is something other than a {@code Request}.
     */
    private static WireFormatException attributed(WireFormatException e, String text, String tag, String id) {
        if (e.requestId().isPresent() || (tag != null && !"Request".equals(tag))) {
            return e;
        }
        Optional<String> requestId = id != null ? Optional.of(id) : RequestIdScanner.requestIdOf(text);
        return requestId.map(e::forRequest).orElse(e);
    }

    /**
     * The request id of a frame too large to be decoded in full, read from its top-level fields without
     * materialising the payload; empty when the frame has none or is not JSON.
     */
    public Optional<String> peekRequestId(String text) {
        return RequestIdScanner.requestIdOf(text);
    }

    // ---------------------------------------------------------------- decoding, client side

    /** Decodes one server frame (or one element of an HTTP response array). */
    public ServerMessage decodeServerMessage(String text) throws WireFormatException {
        return ServerMessageDecoder.decode(text);
    }

    /** Decodes an HTTP response body: a JSON array of server messages. */
    public List<ServerMessage> decodeServerMessages(String text) throws WireFormatException {
        return ServerMessageDecoder.decodeAll(text);
    }

    /**
     * The typed error in an Exit's {@code cause}, in either form (Effect 3 tree or Effect 4 array): the first
     * {@code Fail}'s error, or an {@link SyncError.Unknown} describing a {@code Die}/{@code Interrupt}.
     */
    public static SyncError errorOfCause(String causeJson) throws WireFormatException {
        return ServerMessageDecoder.errorOfCause(causeJson);
    }

    // ---------------------------------------------------------------- helpers

    /** Request ids are decimal strings in Effect 3 and string-or-number in Effect 4. */
    static String idValue(JsonParser p, String field) throws IOException, WireFormatException {
        if (p.currentToken() == JsonToken.VALUE_STRING || p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
            String id = p.getText();
            if (RequestIdScanner.hasUnpairedSurrogate(id)) {
                throw new WireFormatException("'" + field + "' contains an unpaired surrogate; an id must be "
                        + "well-formed Unicode text so that its answer can name it exactly");
            }
            return id;
        }
        throw new WireFormatException("'" + field + "' must be a string or an integer, got "
                + describe(p.currentToken()));
    }

    private static List<Map.Entry<String, String>> headers(JsonParser p) throws IOException, WireFormatException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw new WireFormatException("'headers' must be an array of [name, value] pairs");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_ARRAY || p.nextToken() != JsonToken.VALUE_STRING) {
                throw new WireFormatException("'headers' must be an array of [name, value] string pairs");
            }
            String name = p.getText();
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                throw new WireFormatException("'headers' must be an array of [name, value] string pairs");
            }
            String value = p.getText();
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw new WireFormatException("'headers' must be an array of [name, value] string pairs");
            }
            headers.add(Map.entry(name, value));
        }
        return headers;
    }

    static <T> T require(T value, String missingMessage) throws WireFormatException {
        if (value == null) {
            throw new WireFormatException(missingMessage);
        }
        return value;
    }
}
