package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The streaming {@link ServerFrame#parse} reads what a full tree parse of the same frame reads (the reference
 * below), whatever the order of the fields and whatever else the frame carries, and refuses what is not JSON.
 */
class ServerFrameTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String EVENT = "{\"eventEncoded\":{\"name\":\"v1.TodoCreated\",\"args\":{\"id\":\"s%d.c1\","
            + "\"text\":\"caf\\u00e9 {[\\\"]}\",\"nested\":{\"id\":\"not this\",\"a\":[1,{\"sentNanos\":5}]},"
            + "\"sentNanos\":%d},\"seqNum\":%d,\"parentSeqNum\":%d,\"clientId\":\"c1\",\"sessionId\":\"s\"},"
            + "\"metadata\":{\"_tag\":\"Some\",\"value\":{\"_tag\":\"SyncMessage.SyncMetadata\","
            + "\"createdAt\":\"2026-11-29T19:00:00.000Z\"}}}";
    /** The same event with its fields in another order, and args without sentNanos. */
    private static final String EVENT_REORDERED = "{\"metadata\":{\"_tag\":\"None\"},\"eventEncoded\":{\"seqNum\":%d,"
            + "\"args\":{\"text\":\"x\",\"id\":\"s%d.c2\"},\"parentSeqNum\":%d,\"name\":\"v1.X\"}}";

    private static final List<String> FRAMES = List.of(
            "{\"_tag\":\"Chunk\",\"requestId\":\"0\",\"values\":[{\"batch\":[],\"pageInfo\":{\"_tag\":\"NoMore\"},"
                    + "\"backendId\":\"b-1\"}]}",
            "{\"_tag\":\"Chunk\",\"requestId\":\"7\",\"values\":[{\"batch\":[" + String.format(EVENT, 1, 123L, 1, 0)
                    + "," + String.format(EVENT, 2, 456L, 2, 1) + "],\"pageInfo\":{\"_tag\":\"MoreKnown\","
                    + "\"remaining\":98},\"backendId\":\"b-1\"},{\"batch\":[" + String.format(EVENT_REORDERED, 3, 3, 2)
                    + "],\"pageInfo\":{\"_tag\":\"NoMore\"},\"backendId\":\"b-1\"}]}",
            "{\"values\":[{\"backendId\":\"b-2\",\"pageInfo\":{\"remaining\":3,\"_tag\":\"MoreKnown\"},\"batch\":["
                    + String.format(EVENT_REORDERED, 9, 9, 8) + "]}],\"requestId\":\"12\",\"_tag\":\"Chunk\"}",
            "{\"_tag\":\"Exit\",\"requestId\":\"1\",\"exit\":{\"_tag\":\"Success\",\"value\":{}}}",
            "{\"_tag\":\"Exit\",\"requestId\":\"1\",\"exit\":{\"_tag\":\"Success\"}}",
            "{\"_tag\":\"Exit\",\"requestId\":\"2\",\"exit\":{\"_tag\":\"Failure\",\"cause\":{\"_tag\":\"Fail\","
                    + "\"error\":{\"_tag\":\"ServerAheadError\",\"minimumExpectedNum\":41,\"providedNum\":5}}}}",
            "{\"exit\":{\"cause\":[{\"_tag\":\"Fail\",\"error\":{\"providedNum\":5,\"minimumExpectedNum\":7,"
                    + "\"_tag\":\"ServerAheadError\"}},{\"_tag\":\"Fail\",\"error\":{\"_tag\":\"Other\"}}],"
                    + "\"_tag\":\"Failure\"},\"requestId\":\"3\",\"_tag\":\"Exit\"}",
            "{\"_tag\":\"Exit\",\"requestId\":\"4\",\"exit\":{\"_tag\":\"Failure\",\"cause\":{\"_tag\":\"Die\","
                    + "\"defect\":\"boom\"}}}",
            "{\"_tag\":\"Pong\"}",
            "{\"_tag\":\"Defect\",\"defect\":\"bad frame\"}");

    @Test
    void streamingParseReadsWhatATreeParseReads() throws Exception {
        for (String frame : FRAMES) {
            assertThat(ServerFrame.parse(frame)).as(frame).isEqualTo(reference(frame));
        }
        ServerFrame chunk = ServerFrame.parse(FRAMES.get(1));
        assertThat(chunk.pages()).hasSize(2);
        assertThat(chunk.pages().get(0).events()).containsExactly(new ServerFrame.InEvent(1, 0, "s1.c1", 123),
                new ServerFrame.InEvent(2, 1, "s2.c1", 456));
        assertThat(chunk.pages().get(0).remaining()).isEqualTo(98);
        assertThat(chunk.pages().get(1).events()).containsExactly(new ServerFrame.InEvent(3, 2, "s3.c2", -1));
        assertThat(ServerFrame.parse(FRAMES.get(6)).failure().minimumExpectedNum()).isEqualTo(7);
    }

    @Test
    void whatIsNotAFrameOfTheProtocolIsRefused() {
        for (String bad : List.of("{\"_tag\":\"Chunk\",\"values\":[{\"batch\":[}]}", "not json", "[1,2]",
                "{\"_tag\":\"Surprise\"}", "{\"_tag\":\"Chunk\",\"values\":[{\"batch\":[{\"eventEncoded\":{\"seqNum\":1")) {
            assertThatThrownBy(() -> ServerFrame.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** The tree parse the generator used before: the oracle. */
    private static ServerFrame reference(String text) throws Exception {
        JsonNode root = JSON.readTree(text);
        String tag = root.path("_tag").asText("");
        String requestId = root.path("requestId").asText("");
        switch (tag) {
            case "Chunk": {
                List<ServerFrame.Page> pages = new ArrayList<>();
                for (JsonNode value : root.path("values")) {
                    List<ServerFrame.InEvent> events = new ArrayList<>();
                    for (JsonNode item : value.path("batch")) {
                        JsonNode e = item.path("eventEncoded");
                        JsonNode args = e.path("args");
                        events.add(new ServerFrame.InEvent(e.path("seqNum").asLong(-1),
                                e.path("parentSeqNum").asLong(-1), args.path("id").asText(""),
                                args.path("sentNanos").asLong(-1)));
                    }
                    JsonNode info = value.path("pageInfo");
                    long remaining = "MoreKnown".equals(info.path("_tag").asText()) ? info.path("remaining").asLong()
                            : 0;
                    pages.add(new ServerFrame.Page(events, remaining, value.path("backendId").asText("")));
                }
                return new ServerFrame(ServerFrame.Kind.CHUNK, requestId, pages, null);
            }
            case "Exit": {
                JsonNode exit = root.path("exit");
                if ("Success".equals(exit.path("_tag").asText())) {
                    return new ServerFrame(ServerFrame.Kind.EXIT_SUCCESS, requestId, List.of(), null);
                }
                JsonNode cause = exit.path("cause");
                JsonNode error = cause.isArray() ? cause.path(0).path("error") : cause.path("error");
                return new ServerFrame(ServerFrame.Kind.EXIT_FAILURE, requestId, List.of(), new ServerFrame.Failure(
                        error.path("_tag").asText("?"), error.path("minimumExpectedNum").asLong(-1),
                        ServerFrame.abbreviate(text)));
            }
            case "Pong":
                return new ServerFrame(ServerFrame.Kind.PONG, "", List.of(), null);
            case "Defect":
                return new ServerFrame(ServerFrame.Kind.DEFECT, requestId, List.of(),
                        new ServerFrame.Failure("Defect", -1, ServerFrame.abbreviate(text)));
            default:
                throw new IllegalArgumentException("unknown frame");
        }
    }
}
