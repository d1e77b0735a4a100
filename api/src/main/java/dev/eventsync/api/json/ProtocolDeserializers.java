package dev.eventsync.api.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Readers of the wire shapes; see {@link ProtocolJson}. Every failure names the field at fault. */
final class ProtocolDeserializers {

    private ProtocolDeserializers() {
    }

    static void expectStartObject(JsonParser p, DeserializationContext ctxt, String what) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            ctxt.reportInputMismatch(Object.class, "%s must be a JSON object, got %s", what, p.currentToken());
        }
    }

    static String requireString(JsonParser p, DeserializationContext ctxt, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            ctxt.reportInputMismatch(String.class, "'%s' must be a string, got %s", field, p.currentToken());
        }
        return p.getText();
    }

    static long requireLong(JsonParser p, DeserializationContext ctxt, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
            ctxt.reportInputMismatch(Long.class, "'%s' must be an integer, got %s", field, p.currentToken());
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            ctxt.reportInputMismatch(Long.class, "'%s' does not fit in a 64-bit integer: %s", field, p.getText());
        }
        return p.getLongValue();
    }

    static final class EventDeserializer extends StdDeserializer<Event> {
        private static final long serialVersionUID = 1L;

        EventDeserializer() {
            super(Event.class);
        }

        @Override
        public Event deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            expectStartObject(p, ctxt, "event");
            String name = null;
            String clientId = null;
            String sessionId = null;
            Long seqNum = null;
            Long parentSeqNum = null;
            Optional<String> args = Optional.empty();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "name" -> name = requireString(p, ctxt, field);
                    case "clientId" -> clientId = requireString(p, ctxt, field);
                    case "sessionId" -> sessionId = requireString(p, ctxt, field);
                    case "seqNum" -> seqNum = requireLong(p, ctxt, field);
                    case "parentSeqNum" -> parentSeqNum = requireLong(p, ctxt, field);
                    case "args" -> args = Optional.of(JsonText.rawValue(p));
                    default -> p.skipChildren();
                }
            }
            if (name == null || seqNum == null || parentSeqNum == null || clientId == null || sessionId == null) {
                ctxt.reportInputMismatch(Event.class, "event is missing %s", missing(name, seqNum, parentSeqNum,
                        clientId, sessionId));
            }
            return new Event(name, args, seqNum, parentSeqNum, clientId, sessionId);
        }

        private static String missing(String name, Long seqNum, Long parentSeqNum, String clientId, String sessionId) {
            List<String> fields = new ArrayList<>();
            if (name == null) {
                fields.add("'name'");
            }
            if (seqNum == null) {
                fields.add("'seqNum'");
            }
            if (parentSeqNum == null) {
                fields.add("'parentSeqNum'");
            }
            if (clientId == null) {
                fields.add("'clientId'");
            }
            if (sessionId == null) {
                fields.add("'sessionId'");
            }
            return String.join(", ", fields);
        }
    }

    static final class StoredEventDeserializer extends StdDeserializer<StoredEvent> {
        private static final long serialVersionUID = 1L;

        StoredEventDeserializer() {
            super(StoredEvent.class);
        }

        @Override
        public StoredEvent deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            expectStartObject(p, ctxt, "pulled event");
            Event event = null;
            Instant createdAt = Instant.EPOCH; // a provider may send metadata None
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "eventEncoded" -> event = ctxt.readValue(p, Event.class);
                    case "metadata" -> createdAt = readMetadata(ctxt.readTree(p), ctxt);
                    default -> p.skipChildren();
                }
            }
            if (event == null) {
                ctxt.reportInputMismatch(StoredEvent.class, "pulled event is missing 'eventEncoded'");
            }
            return new StoredEvent(event, createdAt);
        }

        private static Instant readMetadata(JsonNode metadata, DeserializationContext ctxt) throws IOException {
            JsonNode createdAt = metadata.path("value").path("createdAt");
            if (!"Some".equals(metadata.path("_tag").asText()) || !createdAt.isTextual()) {
                return Instant.EPOCH;
            }
            try {
                return Instant.parse(createdAt.asText());
            } catch (DateTimeParseException e) {
                return ctxt.reportInputMismatch(Instant.class, "metadata.createdAt is not an ISO-8601 instant: %s",
                        createdAt.asText());
            }
        }
    }

    static final class PageInfoDeserializer extends StdDeserializer<PageInfo> {
        private static final long serialVersionUID = 1L;

        PageInfoDeserializer() {
            super(PageInfo.class);
        }

        @Override
        public PageInfo deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(p);
            String tag = node.path("_tag").asText("");
            return switch (tag) {
                case "NoMore" -> PageInfo.NO_MORE;
                case "MoreUnknown" -> PageInfo.MORE_UNKNOWN;
                case "MoreKnown" -> {
                    JsonNode remaining = node.path("remaining");
                    if (!remaining.canConvertToLong() || !remaining.isIntegralNumber()) {
                        yield ctxt.reportInputMismatch(PageInfo.class, "MoreKnown.remaining must be an integer");
                    }
                    yield PageInfo.moreKnown(remaining.asLong());
                }
                default -> ctxt.reportInputMismatch(PageInfo.class, "unknown pageInfo tag '%s'", tag);
            };
        }
    }

    static final class PullPageDeserializer extends StdDeserializer<PullPage> {
        private static final long serialVersionUID = 1L;

        PullPageDeserializer() {
            super(PullPage.class);
        }

        @Override
        public PullPage deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            expectStartObject(p, ctxt, "pull response");
            List<StoredEvent> batch = null;
            PageInfo pageInfo = null;
            String backendId = null;
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "batch" -> {
                        if (p.currentToken() != JsonToken.START_ARRAY) {
                            ctxt.reportInputMismatch(PullPage.class, "'batch' must be an array");
                        }
                        batch = new ArrayList<>();
                        while (p.nextToken() != JsonToken.END_ARRAY) {
                            batch.add(ctxt.readValue(p, StoredEvent.class));
                        }
                    }
                    case "pageInfo" -> pageInfo = ctxt.readValue(p, PageInfo.class);
                    case "backendId" -> backendId = requireString(p, ctxt, field);
                    default -> p.skipChildren();
                }
            }
            if (batch == null || pageInfo == null || backendId == null) {
                ctxt.reportInputMismatch(PullPage.class, "pull response needs 'batch', 'pageInfo' and 'backendId'");
            }
            return new PullPage(batch, pageInfo, backendId);
        }
    }

    static final class PullCursorDeserializer extends StdDeserializer<PullCursor> {
        private static final long serialVersionUID = 1L;

        PullCursorDeserializer() {
            super(PullCursor.class);
        }

        @Override
        public PullCursor deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            expectStartObject(p, ctxt, "cursor");
            Long seq = null;
            Optional<String> backendId = Optional.empty();
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "eventSequenceNumber" -> seq = requireLong(p, ctxt, field);
                    case "backendId" -> backendId = Optional.of(requireString(p, ctxt, field));
                    default -> p.skipChildren();
                }
            }
            if (seq == null) {
                ctxt.reportInputMismatch(PullCursor.class, "cursor is missing 'eventSequenceNumber'");
            }
            return new PullCursor(seq, backendId);
        }
    }

    static final class SyncErrorDeserializer extends StdDeserializer<SyncError> {
        private static final long serialVersionUID = 1L;

        SyncErrorDeserializer() {
            super(SyncError.class);
        }

        @Override
        public SyncError deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode node = ctxt.readTree(p);
            String tag = node.path("_tag").asText("");
            switch (tag) {
                case "ServerAheadError":
                    return new SyncError.ServerAhead(node.path("minimumExpectedNum").asLong(),
                            node.path("providedNum").asLong());
                case "BackendIdMismatchError":
                    return new SyncError.BackendIdMismatch(node.path("expected").asText(),
                            node.path("received").asText());
                default:
                    return fromUnknown(node);
            }
        }

        private static SyncError fromUnknown(JsonNode node) {
            JsonNode payload = node.path("payload");
            String reason = payload.path("reason").asText("");
            String note = node.path("note").asText(describe(node));
            return switch (payload.path("eventsyncError").asText("")) {
                case "invalid_batch" -> new SyncError.InvalidBatch(payload.path("index").asInt(-1), reason);
                case "invalid_cursor" -> new SyncError.InvalidCursor(reason);
                case "invalid_request" -> new SyncError.InvalidRequest(reason);
                case "limit_exceeded" -> new SyncError.LimitExceeded(payload.path("limit").asText(),
                        payload.path("allowed").asLong(), payload.path("actual").asLong());
                case "unauthorized" -> new SyncError.Unauthorized(reason);
                case "rejected" -> new SyncError.Rejected(payload.path("index").asInt(-1),
                        payload.path("seqNum").asLong(), payload.path("eventName").asText(), reason);
                case "unavailable" -> new SyncError.Unavailable(reason);
                case "unknown" -> new SyncError.Unknown(reason);
                default -> new SyncError.Unknown(note);
            };
        }

        private static String describe(JsonNode node) {
            JsonNode cause = node.path("cause");
            if (cause.isTextual()) {
                return cause.asText();
            }
            if (cause.has("message")) {
                return cause.path("message").asText();
            }
            return node.toString();
        }
    }
}
