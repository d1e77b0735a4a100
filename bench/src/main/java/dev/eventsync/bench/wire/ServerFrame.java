package dev.eventsync.bench.wire;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One frame a {@code sync-cf} server sent, reduced to what the load generator checks: chunks of pull pages
 * (seqNums, each event's {@code args.id} and {@code args.sentNanos}), push exits (success, or the failure's
 * error tag and {@code minimumExpectedNum}), pongs and defects.
 *
 * @param kind      what the frame is
 * @param requestId the request it answers; empty for pongs and defects
 * @param pages     a chunk's pages, in order; empty otherwise
 * @param failure   the failure of an {@code Exit}; null unless {@code kind == EXIT_FAILURE} or {@code DEFECT}
 */
public record ServerFrame(Kind kind, String requestId, List<Page> pages, Failure failure) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds of frame a server sends. */
    public enum Kind { CHUNK, EXIT_SUCCESS, EXIT_FAILURE, PONG, DEFECT }

    /** One pull page: its events, {@code remaining} after it ({@code 0} for {@code NoMore}) and the backendId. */
    public record Page(List<InEvent> events, long remaining, String backendId) {
    }

    /** One received event; {@code sentNanos} is {@code -1} when the args carry none. */
    public record InEvent(long seqNum, long parentSeqNum, String argsId, long sentNanos) {
    }

    /** A failed exit: the error's {@code _tag} ({@code ServerAheadError}, ...), its head hint, and the frame. */
    public record Failure(String errorTag, long minimumExpectedNum, String text) {
    }

    /**
     * Parses one text frame with a streaming parser: the whole frame is read and must be well-formed JSON, but
     * no tree is built and only the fields above are kept (the subscriber side of fan-out parses 1 000 frames per
     * push, so this is the generator's hottest code).
     *
     * @throws IllegalArgumentException when it is not a frame of the protocol
     */
    public static ServerFrame parse(String text) {
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("unknown frame: " + abbreviate(text));
            }
            String[] tag = {""};
            String[] requestId = {""};
            List<Page> pages = new ArrayList<>();
            Exit exit = new Exit();
            fields(p, (field, value) -> {
                switch (field) {
                    case "_tag" -> tag[0] = text(p, value);
                    case "requestId" -> requestId[0] = text(p, value);
                    case "values" -> elements(p, value, () -> pages.add(readPage(p)));
                    case "exit" -> readExit(p, value, exit);
                    default -> p.skipChildren();
                }
            });
            switch (tag[0]) {
                case "Chunk":
                    return new ServerFrame(Kind.CHUNK, requestId[0], pages, null);
                case "Exit":
                    if ("Success".equals(exit.tag)) {
                        return new ServerFrame(Kind.EXIT_SUCCESS, requestId[0], List.of(), null);
                    }
                    return new ServerFrame(Kind.EXIT_FAILURE, requestId[0], List.of(), new Failure(exit.errorTag,
                            exit.minimumExpectedNum, abbreviate(text)));
                case "Pong":
                    return new ServerFrame(Kind.PONG, "", List.of(), null);
                case "Defect":
                    return new ServerFrame(Kind.DEFECT, requestId[0], List.of(), new Failure("Defect", -1,
                            abbreviate(text)));
                default:
                    throw new IllegalArgumentException("unknown frame: " + abbreviate(text));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + abbreviate(text), e);
        }
    }

    /** Reads one field's value; must consume it (a skipped value: {@link JsonParser#skipChildren()}). */
    private interface Field {
        void read(String name, JsonToken value) throws IOException;
    }

    /** Reads one element of an array, positioned on its first token; must consume it. */
    private interface Element {
        void read() throws IOException;
    }

    /** Reads the fields of the object the parser just entered, up to its end. */
    private static void fields(JsonParser p, Field field) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            field.read(name, p.nextToken());
        }
    }

    /** The fields of {@code value} if it is an object; anything else is skipped. */
    private static void object(JsonParser p, JsonToken value, Field field) throws IOException {
        if (value == JsonToken.START_OBJECT) {
            fields(p, field);
        } else {
            p.skipChildren();
        }
    }

    /** The elements of {@code value} if it is an array; anything else is skipped. */
    private static void elements(JsonParser p, JsonToken value, Element element) throws IOException {
        if (value != JsonToken.START_ARRAY) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() != JsonToken.END_ARRAY) {
            element.read();
        }
    }

    /** What an {@code exit} object says, whatever the order of its fields. */
    private static final class Exit {
        String tag = "";
        String errorTag = "?";
        long minimumExpectedNum = -1;
    }

    /** One pull page, the parser on its first token. */
    private static Page readPage(JsonParser p) throws IOException {
        List<InEvent> events = new ArrayList<>();
        long[] remaining = {0};
        String[] backendId = {""};
        object(p, p.currentToken(), (field, value) -> {
            switch (field) {
                case "batch" -> elements(p, value, () -> events.add(readEvent(p)));
                case "pageInfo" -> remaining[0] = readRemaining(p, value);
                case "backendId" -> backendId[0] = text(p, value);
                default -> p.skipChildren();
            }
        });
        return new Page(events, remaining[0], backendId[0]);
    }

    /** One batch item ({@code {"eventEncoded": {...}, "metadata": ...}}), the parser on its first token. */
    private static InEvent readEvent(JsonParser p) throws IOException {
        long[] numbers = {-1, -1, -1}; // seqNum, parentSeqNum, args.sentNanos
        String[] argsId = {""};
        object(p, p.currentToken(), (item, encoded) -> {
            if (!"eventEncoded".equals(item)) {
                p.skipChildren();
                return;
            }
            object(p, encoded, (field, value) -> {
                switch (field) {
                    case "seqNum" -> numbers[0] = number(p, value);
                    case "parentSeqNum" -> numbers[1] = number(p, value);
                    case "args" -> object(p, value, (arg, a) -> {
                        switch (arg) {
                            case "id" -> argsId[0] = text(p, a);
                            case "sentNanos" -> numbers[2] = number(p, a);
                            default -> p.skipChildren();
                        }
                    });
                    default -> p.skipChildren();
                }
            });
        });
        return new InEvent(numbers[0], numbers[1], argsId[0], numbers[2]);
    }

    /** {@code remaining} of a {@code MoreKnown} page info, else 0. */
    private static long readRemaining(JsonParser p, JsonToken value) throws IOException {
        String[] tag = {""};
        long[] remaining = {0};
        object(p, value, (field, v) -> {
            switch (field) {
                case "_tag" -> tag[0] = text(p, v);
                case "remaining" -> remaining[0] = number(p, v);
                default -> p.skipChildren();
            }
        });
        return "MoreKnown".equals(tag[0]) ? remaining[0] : 0;
    }

    private static void readExit(JsonParser p, JsonToken value, Exit exit) throws IOException {
        object(p, value, (field, v) -> {
            switch (field) {
                case "_tag" -> exit.tag = text(p, v);
                // Effect 3: one cause object; Effect 4: an array of reasons, the first one counts
                case "cause" -> {
                    if (v == JsonToken.START_ARRAY) {
                        boolean[] first = {true};
                        elements(p, v, () -> {
                            if (first[0]) {
                                readCause(p, p.currentToken(), exit);
                            } else {
                                p.skipChildren();
                            }
                            first[0] = false;
                        });
                    } else {
                        readCause(p, v, exit);
                    }
                }
                default -> p.skipChildren();
            }
        });
    }

    private static void readCause(JsonParser p, JsonToken value, Exit exit) throws IOException {
        object(p, value, (field, error) -> {
            if (!"error".equals(field)) {
                p.skipChildren();
                return;
            }
            object(p, error, (name, v) -> {
                switch (name) {
                    case "_tag" -> exit.errorTag = text(p, v);
                    case "minimumExpectedNum" -> exit.minimumExpectedNum = number(p, v);
                    default -> p.skipChildren();
                }
            });
        });
    }

    /** A scalar as text (as {@code JsonNode.asText}); "" for an object or array, which is skipped. */
    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value.isScalarValue() && value != JsonToken.VALUE_NULL) {
            return p.getText();
        }
        p.skipChildren();
        return "";
    }

    /** An integral number; -1 for anything else (skipped). */
    private static long number(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        p.skipChildren();
        return -1;
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
