package dev.eventsync.vertx.wire;

import static dev.eventsync.api.json.JsonText.abbreviate;
import static dev.eventsync.api.json.JsonText.describe;
import static dev.eventsync.api.json.JsonText.rawValue;
import static dev.eventsync.api.json.JsonText.skipOpaque;
import static dev.eventsync.vertx.wire.WireFormatException.requireString;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.json.ProtocolJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client side of {@link RpcCodec}: decodes what a sync-cf server sends (WebSocket frames, HTTP response
 * arrays) into {@link ServerMessage}s, and an {@code Exit}'s cause, in the Effect 3 tree or the Effect 4 array
 * form, into the typed {@link SyncError}. Pure and thread-safe.
 */
final class ServerMessageDecoder {

    private ServerMessageDecoder() {
    }

    /** Decodes one server frame (or one element of an HTTP response array). */
    static ServerMessage decode(String text) throws WireFormatException {
        try (JsonParser p = ProtocolJson.factory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("a server message must be a JSON object, got "
                        + describe(p.currentToken()));
            }
            return decodeServerMessage(text, p);
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed JSON from server: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Decodes an HTTP response body: a JSON array of server messages. */
    static List<ServerMessage> decodeAll(String text) throws WireFormatException {
        try (JsonParser p = ProtocolJson.factory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw new WireFormatException("an HTTP response must be a JSON array of messages, got "
                        + describe(p.currentToken()));
            }
            List<ServerMessage> messages = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw new WireFormatException("an HTTP response element must be an object, got " + describe(t));
                }
                messages.add(decodeServerMessage(text, p));
            }
            return messages;
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed JSON from server: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerMessage decodeServerMessage(String text, JsonParser p) throws IOException, WireFormatException {
        String tag = null;
        String requestId = null;
        List<String> values = null;
        String exit = null;
        String defect = null;
        for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "_tag" -> tag = requireString(p, "_tag");
                case "requestId" -> requestId = RpcCodec.idValue(p, "requestId");
                case "values" -> {
                    if (value != JsonToken.START_ARRAY) {
                        throw new WireFormatException("Chunk 'values' must be an array");
                    }
                    values = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        values.add(rawValue(p));
                    }
                }
                case "exit" -> exit = rawValue(p);
                case "defect" -> defect = rawValue(p);
                default -> skipOpaque(p);
            }
        }
        if (tag == null) {
            throw new WireFormatException("server message has no '_tag'");
        }
        switch (tag) {
            case "Chunk": {
                List<PullPage> pages = new ArrayList<>();
                for (String v : RpcCodec.require(values, "Chunk has no 'values'")) {
                    pages.add(readPage(v));
                }
                return new ServerMessage.Chunk(RpcCodec.require(requestId, "Chunk has no 'requestId'"), pages);
            }
            case "Exit":
                return new ServerMessage.Exit(RpcCodec.require(requestId, "Exit has no 'requestId'"),
                        outcome(RpcCodec.require(exit, "Exit has no 'exit'")));
            case "Pong":
                return new ServerMessage.Pong();
            case "Defect":
                return new ServerMessage.Defect(defect == null ? "defect without detail" : describeDefect(defect));
            default:
                throw new WireFormatException("unknown server message tag '" + abbreviate(tag) + "'");
        }
    }

    private static PullPage readPage(String json) throws WireFormatException {
        try {
            return ProtocolJson.read(json, PullPage.class);
        } catch (IOException e) {
            throw new WireFormatException("bad PullResponse in Chunk: " + e.getMessage());
        }
    }

    private static ServerMessage.Outcome outcome(String exitJson) throws WireFormatException {
        try (JsonParser p = ProtocolJson.factory().createParser(exitJson)) {
            p.nextToken();
            String tag = null;
            String value = null;
            String cause = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "_tag" -> tag = requireString(p, "exit._tag");
                    case "value" -> value = rawValue(p);
                    case "cause" -> cause = rawValue(p);
                    default -> skipOpaque(p);
                }
            }
            if ("Success".equals(tag)) {
                return new ServerMessage.Success(Optional.ofNullable(value));
            }
            if ("Failure".equals(tag)) {
                return new ServerMessage.Failure(errorOfCause(RpcCodec.require(cause, "Failure has no 'cause'")));
            }
            throw new WireFormatException("exit must be Success or Failure, got '" + tag + "'");
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed exit: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The typed error inside a failure cause, in either form: the Effect 3 tree ({@code Fail}, {@code Die},
     * {@code Interrupt}, {@code Empty}, {@code Sequential}/{@code Parallel} with {@code left}/{@code right}) or
     * the Effect 4 array of reasons. The first {@code Fail} wins; otherwise a {@code Die} or an interruption
     * becomes {@link SyncError.Unknown}.
     */
    static SyncError errorOfCause(String causeJson) throws WireFormatException {
        JsonNode cause;
        try {
            cause = ProtocolJson.readTree(causeJson);
        } catch (IOException e) {
            throw new WireFormatException("malformed failure cause: " + e.getMessage());
        }
        List<JsonNode> reasons = new ArrayList<>();
        flatten(cause, reasons);
        for (JsonNode r : reasons) {
            if ("Fail".equals(r.path("_tag").asText())) {
                try {
                    // errors carry no raw-text fields that must stay byte for byte: the tree's encoding is exact enough
                    return ProtocolJson.read(r.path("error").toString(), SyncError.class);
                } catch (IOException e) {
                    throw new WireFormatException("bad error in failure cause: " + e.getMessage());
                }
            }
        }
        for (JsonNode r : reasons) {
            if ("Die".equals(r.path("_tag").asText())) {
                return new SyncError.Unknown("server defect: " + describeDefectNode(r.path("defect")));
            }
        }
        if (reasons.stream().anyMatch(r -> "Interrupt".equals(r.path("_tag").asText()))) {
            return new SyncError.Unknown("the server interrupted the request");
        }
        return new SyncError.Unknown("the server failed the request without a reason");
    }

    private static void flatten(JsonNode cause, List<JsonNode> out) {
        if (cause.isArray()) {
            cause.forEach(c -> flatten(c, out));
            return;
        }
        String tag = cause.path("_tag").asText();
        if ("Sequential".equals(tag) || "Parallel".equals(tag)) {
            flatten(cause.path("left"), out);
            flatten(cause.path("right"), out);
        } else if (cause.isObject()) {
            out.add(cause);
        }
    }

    private static String describeDefect(String json) {
        try {
            return describeDefectNode(ProtocolJson.readTree(json));
        } catch (IOException e) {
            return json;
        }
    }

    private static String describeDefectNode(JsonNode defect) {
        if (defect.isTextual()) {
            return defect.asText();
        }
        if (defect.has("message")) {
            return defect.path("message").asText();
        }
        return defect.toString();
    }
}
