package dev.eventsync.bench.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
     * Parses one text frame.
     *
     * @throws IllegalArgumentException when it is not a frame of the protocol
     */
    public static ServerFrame parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + abbreviate(text), e);
        }
        String tag = root.path("_tag").asText("");
        String requestId = root.path("requestId").asText("");
        switch (tag) {
            case "Chunk": {
                List<Page> pages = new ArrayList<>();
                for (JsonNode value : root.path("values")) {
                    List<InEvent> events = new ArrayList<>(value.path("batch").size());
                    for (JsonNode item : value.path("batch")) {
                        JsonNode e = item.path("eventEncoded");
                        JsonNode args = e.path("args");
                        events.add(new InEvent(e.path("seqNum").asLong(-1), e.path("parentSeqNum").asLong(-1),
                                args.path("id").asText(""), args.path("sentNanos").asLong(-1)));
                    }
                    JsonNode info = value.path("pageInfo");
                    long remaining = "MoreKnown".equals(info.path("_tag").asText()) ? info.path("remaining").asLong() : 0;
                    pages.add(new Page(events, remaining, value.path("backendId").asText("")));
                }
                return new ServerFrame(Kind.CHUNK, requestId, pages, null);
            }
            case "Exit": {
                JsonNode exit = root.path("exit");
                if ("Success".equals(exit.path("_tag").asText())) {
                    return new ServerFrame(Kind.EXIT_SUCCESS, requestId, List.of(), null);
                }
                JsonNode cause = exit.path("cause");
                JsonNode error = cause.isArray() ? cause.path(0).path("error") : cause.path("error");
                return new ServerFrame(Kind.EXIT_FAILURE, requestId, List.of(), new Failure(
                        error.path("_tag").asText("?"), error.path("minimumExpectedNum").asLong(-1), abbreviate(text)));
            }
            case "Pong":
                return new ServerFrame(Kind.PONG, "", List.of(), null);
            case "Defect":
                return new ServerFrame(Kind.DEFECT, requestId, List.of(), new Failure("Defect", -1, abbreviate(text)));
            default:
                throw new IllegalArgumentException("unknown frame: " + abbreviate(text));
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
