package dev.eventsync.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Raw {@code args} stay byte-exact in documents of any size, from text and from bytes. */
class ProtocolJsonArgsReviewTest {

    private static final String ARGS = "{ \"text\" : \"caf\\u00e9 \\ud83d\\ude00\", \"n\" : 1.50e3 }";

    private static String page(int events) {
        List<String> encoded = new ArrayList<>();
        for (int i = 1; i <= events; i++) {
            encoded.add("{\"eventEncoded\":{\"name\":\"n\",\"args\":" + ARGS + ",\"seqNum\":" + i + ",\"parentSeqNum\":"
                    + (i - 1) + ",\"clientId\":\"c\",\"sessionId\":\"s\"},\"metadata\":{\"_tag\":\"None\"}}");
        }
        return "{\"batch\":[" + String.join(",", encoded) + "],\"pageInfo\":{\"_tag\":\"NoMore\"},\"backendId\":\"b\"}";
    }

    @Test
    void argsStayExactInADocumentLongerThan32KCharsReadFromAString() throws IOException {
        String json = page(1_000);
        assertThat(json.length()).isGreaterThan(0x8000);
        PullPage read = ProtocolJson.read(json, PullPage.class);
        assertThat(read.batch()).hasSize(1_000);
        assertThat(read.batch()).allSatisfy(e -> assertThat(e.event().args()).contains(ARGS));
    }

    @Test
    void argsStayExactInALargeDocumentReadFromBytes() throws IOException {
        byte[] json = page(1_000).getBytes(StandardCharsets.UTF_8);
        PullPage read = ProtocolJson.readerFor(PullPage.class).readValue(json);
        assertThat(read.batch()).allSatisfy(e -> assertThat(e.event().args()).contains(ARGS));
    }

    @Test
    void argsStayExactInAByteSliceWithAnOffset() throws IOException {
        String event = "{\"name\":\"n\",\"args\":" + ARGS + ",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}";
        byte[] framed = ("XXXX" + event + "YY").getBytes(StandardCharsets.UTF_8);
        byte[] eventBytes = event.getBytes(StandardCharsets.UTF_8);
        Event read = ProtocolJson.readerFor(Event.class).readValue(framed, 4, eventBytes.length);
        assertThat(read.args()).contains(ARGS);
    }
}
