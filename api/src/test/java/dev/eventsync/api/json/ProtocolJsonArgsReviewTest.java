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

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"123", "-0", "1E+2", "0.1", "true", "null", "\"x\"",
        "\"\\ud83d\\ude00\"", "\"😀\"", "[1,2]", "{}", "123456789012345678901234567890"})
    void argsAsTheLastFieldAreExactFromStringAndBytes(String args) throws IOException {
        for (String gap : List.of("", " ", "\n\t ")) {
            String json = "{\"name\":\"n\",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\",\"args\":"
                    + gap + args + gap + "}";
            assertThat(ProtocolJson.read(json, Event.class).args()).as(json).contains(args);
            Event fromBytes = ProtocolJson.readerFor(Event.class).readValue(json.getBytes(StandardCharsets.UTF_8));
            assertThat(fromBytes.args()).as(json).contains(args);
        }
    }

    /** Transports stream large frames through the shared factory's parser and read events from it. */
    @Test
    void argsStayExactWhenReadThroughAParserOfTheSharedFactory() throws IOException {
        String json = page(1_000);
        try (com.fasterxml.jackson.core.JsonParser p = ProtocolJson.reader().getFactory().createParser(json)) {
            PullPage read = ProtocolJson.readerFor(PullPage.class).readValue(p);
            assertThat(read.batch()).allSatisfy(e -> assertThat(e.event().args()).contains(ARGS));
        }
    }

    /** args are opaque: RFC 8259 allows repeated names, and the server must return them unchanged. */
    @Test
    void argsWithRepeatedNamesAreOpaqueWhileTheEnvelopeStaysStrict() throws IOException {
        String args = "{\"a\":1,\"a\":{\"b\":2,\"b\":3},\"l\":[{\"c\":1,\"c\":1}]}";
        assertThat(ProtocolJson.isValidJson("[{\"c\":1,\"c\":1}]")).isTrue();
        String json = "{\"name\":\"n\",\"args\":" + args
                + ",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}";
        assertThat(ProtocolJson.isValidJson(args)).isTrue();
        assertThat(ProtocolJson.read(json, Event.class).args()).contains(args);
        Event fromBytes = ProtocolJson.readerFor(Event.class).readValue(json.getBytes(StandardCharsets.UTF_8));
        assertThat(fromBytes.args()).contains(args);
        assertThat(dev.eventsync.api.PushRules.checkShape(List.of(fromBytes))).isEmpty();
        // a repeated envelope field is still ambiguous and refused
        String twoSeqNums = "{\"name\":\"n\",\"args\":" + args
                + ",\"seqNum\":1,\"seqNum\":2,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}";
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProtocolJson.read(twoSeqNums, Event.class))
                .isInstanceOf(IOException.class);
    }
}
