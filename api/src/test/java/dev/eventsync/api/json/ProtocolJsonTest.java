package dev.eventsync.api.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtocolJsonTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"id\":\"abc\",\"text\":\"Buy milk\"}",
        "{ \"spaced\" : [ 1 , 2 ] }",
        "\"caf\\u00e9 \\ud83d\\ude00 \\\"quoted\\\"\"",
        "\"raw unicode: é ☃ 😀\"",
        "1.50e3",
        "12345678901234567890123",
        "null",
        "true",
        "[]",
        "{\"deep\":{\"a\":[{\"b\":[[[{}]]]}]}}"
    })
    void argsAreCopiedByteForByteFromTextAndBytes(String args) throws IOException {
        String json = "{\"name\":\"n\",\"args\":" + args + ",\"seqNum\":5,\"parentSeqNum\":4,\"clientId\":\"c\",\"sessionId\":\"s\"}";
        Event fromString = ProtocolJson.read(json, Event.class);
        assertThat(fromString.args()).contains(args);
        Event fromBytes = ProtocolJson.readerFor(Event.class).readValue(json.getBytes(StandardCharsets.UTF_8));
        assertThat(fromBytes.args()).contains(args);
        assertThat(ProtocolJson.write(fromString)).isEqualTo(json);
        assertThat(ProtocolJson.encodedSize(fromString)).isEqualTo(json.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void argsInsideLargerMessagesAreCopiedExactly() throws IOException {
        String page = "{\"batch\":[{\"eventEncoded\":{\"name\":\"a\",\"args\":{ \"x\" : 1 },\"seqNum\":1,\"parentSeqNum\":0,"
                + "\"clientId\":\"c\",\"sessionId\":\"s\"},\"metadata\":{\"_tag\":\"Some\",\"value\":{\"_tag\":"
                + "\"SyncMessage.SyncMetadata\",\"createdAt\":\"2025-09-01T10:00:00.000Z\"}}},"
                + "{\"eventEncoded\":{\"name\":\"b\",\"seqNum\":2,\"parentSeqNum\":1,\"clientId\":\"c\",\"sessionId\":\"s\"},"
                + "\"metadata\":{\"_tag\":\"None\"}}],\"pageInfo\":{\"_tag\":\"MoreKnown\",\"remaining\":3},\"backendId\":\"b1\"}";
        PullPage parsed = ProtocolJson.read(page, PullPage.class);
        assertThat(parsed.batch()).hasSize(2);
        assertThat(parsed.batch().get(0).event().args()).contains("{ \"x\" : 1 }");
        assertThat(parsed.batch().get(0).createdAt()).isEqualTo(Instant.parse("2025-09-01T10:00:00Z"));
        assertThat(parsed.batch().get(1).event().args()).isEmpty();
        assertThat(parsed.batch().get(1).createdAt()).isEqualTo(Instant.EPOCH);
        assertThat(parsed.pageInfo()).isEqualTo(new PageInfo.MoreKnown(3));
        assertThat(parsed.backendId()).isEqualTo("b1");
    }

    @Test
    void pullPagesUseLiveStoresPullResponseShape() throws IOException {
        StoredEvent e = new StoredEvent(Event.of("todoCreated-v1", "{\"id\":\"x\"}", 42, 41, "c2", "s"),
                Instant.parse("2025-09-01T10:00:00Z"));
        String json = ProtocolJson.write(new PullPage(List.of(e), PageInfo.NO_MORE, "Vx3"));
        assertThat(json).isEqualTo("{\"batch\":[{\"eventEncoded\":{\"name\":\"todoCreated-v1\",\"args\":{\"id\":\"x\"},"
                + "\"seqNum\":42,\"parentSeqNum\":41,\"clientId\":\"c2\",\"sessionId\":\"s\"},\"metadata\":{\"_tag\":\"Some\","
                + "\"value\":{\"_tag\":\"SyncMessage.SyncMetadata\",\"createdAt\":\"2025-09-01T10:00:00.000Z\"}}}],"
                + "\"pageInfo\":{\"_tag\":\"NoMore\"},\"backendId\":\"Vx3\"}");
        assertThat(ProtocolJson.read(json, PullPage.class)).isEqualTo(new PullPage(List.of(e), PageInfo.NO_MORE, "Vx3"));
        assertThat(ProtocolJson.write(PageInfo.moreKnown(7))).isEqualTo("{\"_tag\":\"MoreKnown\",\"remaining\":7}");
        assertThat(ProtocolJson.write(PageInfo.MORE_UNKNOWN)).isEqualTo("{\"_tag\":\"MoreUnknown\"}");
    }

    @Test
    void cursorsRoundTrip() throws IOException {
        assertThat(ProtocolJson.write(PullCursor.after(41, "Vx3"))).isEqualTo("{\"backendId\":\"Vx3\",\"eventSequenceNumber\":41}");
        assertThat(ProtocolJson.read("{\"eventSequenceNumber\":7}", PullCursor.class)).isEqualTo(PullCursor.after(7));
    }

    @Test
    void errorsUseLiveStoreTagsAndKeepTheirTypeThroughUnknownError() throws IOException {
        assertThat(ProtocolJson.write(new SyncError.ServerAhead(43, 41)))
                .isEqualTo("{\"_tag\":\"ServerAheadError\",\"minimumExpectedNum\":43,\"providedNum\":41}");
        assertThat(ProtocolJson.write(new SyncError.BackendIdMismatch("a", "b")))
                .isEqualTo("{\"_tag\":\"BackendIdMismatchError\",\"expected\":\"a\",\"received\":\"b\"}");
        List<SyncError> all = List.of(new SyncError.ServerAhead(3, 1), new SyncError.BackendIdMismatch("a", "b"),
                new SyncError.InvalidBatch(2, "bad"), new SyncError.InvalidCursor("far"),
                new SyncError.InvalidRequest("frame"), new SyncError.LimitExceeded("maxPushEvents", 100, 101),
                new SyncError.Unauthorized("token"), new SyncError.Rejected(1, 5, "x-v1", "no"),
                new SyncError.Unavailable("db"), new SyncError.Unknown("boom"));
        for (SyncError error : all) {
            String json = ProtocolJson.write(error);
            assertThat(ProtocolJson.read(json, SyncError.class)).as(json).isEqualTo(error);
        }
        JsonNode unknown = ProtocolJson.readTree(ProtocolJson.write(new SyncError.Rejected(1, 5, "x-v1", "no")));
        assertThat(unknown.path("_tag").asText()).isEqualTo("UnknownError");
        assertThat(unknown.path("note").asText()).contains("x-v1").contains("no");
        assertThat(ProtocolJson.read("{\"_tag\":\"UnknownError\",\"cause\":\"kaputt\"}", SyncError.class))
                .isEqualTo(new SyncError.Unknown("kaputt"));
    }

    @Test
    void malformedEventsFailWithTheFieldAtFault() {
        assertThatThrownBy(() -> ProtocolJson.read("{\"name\":\"n\",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\"}", Event.class))
                .hasMessageContaining("'sessionId'");
        assertThatThrownBy(() -> ProtocolJson.read("{\"name\":\"n\",\"seqNum\":\"1\",\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}", Event.class))
                .hasMessageContaining("'seqNum' must be an integer");
        assertThatThrownBy(() -> ProtocolJson.read("{\"name\":\"n\",\"seqNum\":1.5,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}", Event.class))
                .hasMessageContaining("'seqNum' must be an integer");
        assertThatThrownBy(() -> ProtocolJson.read("{\"name\":\"n\",\"seqNum\":99999999999999999999,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}", Event.class))
                .hasMessageContaining("64-bit");
        assertThatThrownBy(() -> ProtocolJson.read("[1]", Event.class)).hasMessageContaining("must be a JSON object");
        assertThatThrownBy(() -> ProtocolJson.read("{\"name\":", Event.class)).isInstanceOf(IOException.class);
    }

    @Test
    void validJsonCheck() {
        assertThat(ProtocolJson.isValidJson(" {\"a\": [1, 2]} ")).isTrue();
        assertThat(ProtocolJson.isValidJson("{\"a\": }")).isFalse();
        assertThat(ProtocolJson.isValidJson("1 2")).isFalse();
        assertThat(ProtocolJson.isValidJson("")).isFalse();
        assertThat(Optional.of(ProtocolJson.isValidJson("\"x\""))).contains(true);
    }
}
