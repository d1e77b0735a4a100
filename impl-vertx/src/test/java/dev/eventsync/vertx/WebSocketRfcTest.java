package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawFrames.BINARY;
import static dev.eventsync.vertx.RawFrames.CLOSE;
import static dev.eventsync.vertx.RawFrames.CONTINUATION;
import static dev.eventsync.vertx.RawFrames.PING;
import static dev.eventsync.vertx.RawFrames.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.StoreId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every WebSocket protocol violation is closed with the code RFC 6455 §7.4.1 gives (1002 protocol error, 1007
 * invalid payload data, 1009 message too big) and a readable reason, counted under its own metric reason; the
 * server keeps serving and nothing is stored. Frames are written byte by byte on a plain TCP socket.
 */
class WebSocketRfcTest {

    private static final int MAX_FRAME = 64 * 1024;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(VertxSettings.defaults().withMaxFrameBytes(MAX_FRAME));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    /** What a test client does wrong, and how the server must close. */
    interface Mistake {
        void make(RawFrames ws) throws IOException;
    }

    static Stream<Arguments> violations() {
        byte[] ping = "{\"_tag\":\"Ping\"}".getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                Arguments.of("unmasked client frame", (Mistake) ws -> ws.frame(true, 0, TEXT, false, ping),
                        1002, "unmasked_frame"),
                Arguments.of("reserved data opcode 3", (Mistake) ws -> ws.frame(true, 0, 0x3, true, ping),
                        1002, "reserved_opcode"),
                Arguments.of("reserved control opcode 0xB", (Mistake) ws -> ws.frame(true, 0, 0xB, true, new byte[0]),
                        1002, "reserved_opcode"),
                Arguments.of("continuation without a start",
                        (Mistake) ws -> ws.frame(true, 0, CONTINUATION, true, ping), 1002, "bad_fragmentation"),
                Arguments.of("new data frame inside a fragmented message", (Mistake) ws -> {
                    ws.frame(false, 0, TEXT, true, "{\"_tag\":".getBytes(StandardCharsets.UTF_8));
                    ws.frame(true, 0, TEXT, true, ping);
                }, 1002, "bad_fragmentation"),
                Arguments.of("ping with 126 bytes", (Mistake) ws -> ws.frame(true, 0, PING, true, new byte[126]),
                        1002, "bad_control_frame"),
                Arguments.of("fragmented ping", (Mistake) ws -> ws.frame(false, 0, PING, true, new byte[3]),
                        1002, "bad_control_frame"),
                Arguments.of("RSV1 without an extension", (Mistake) ws -> ws.frame(true, 4, TEXT, true, ping),
                        1002, "reserved_bits"),
                Arguments.of("RSV2", (Mistake) ws -> ws.frame(true, 2, TEXT, true, ping), 1002, "reserved_bits"),
                Arguments.of("RSV3 on a binary frame", (Mistake) ws -> ws.frame(true, 1, BINARY, true, new byte[1]),
                        1002, "reserved_bits"),
                Arguments.of("close code 999", (Mistake) ws -> ws.frame(true, 0, CLOSE, true,
                        RawFrames.closePayload(999, new byte[0])), 1002, "bad_close_frame"),
                Arguments.of("close code 1005 (reserved)", (Mistake) ws -> ws.frame(true, 0, CLOSE, true,
                        RawFrames.closePayload(1005, new byte[0])), 1002, "bad_close_frame"),
                Arguments.of("close code 1016 (unassigned)", (Mistake) ws -> ws.frame(true, 0, CLOSE, true,
                        RawFrames.closePayload(1016, new byte[0])), 1002, "bad_close_frame"),
                Arguments.of("close payload of 1 byte", (Mistake) ws -> ws.frame(true, 0, CLOSE, true, new byte[] {3}),
                        1002, "bad_close_frame"),
                Arguments.of("close reason that is not UTF-8", (Mistake) ws -> ws.frame(true, 0, CLOSE, true,
                        RawFrames.closePayload(1000, new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC0, (byte) 0xAF})),
                        1007, "invalid_utf8"),
                Arguments.of("text frame that is not UTF-8", (Mistake) ws -> ws.frame(true, 0, TEXT, true,
                        concat("{\"_tag\":\"Request\",\"id\":\"1\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"x\":\"",
                                new byte[] {(byte) 0xFF, (byte) 0xFE, (byte) 0xC0, (byte) 0xAF}, "\"}}")),
                        1007, "invalid_utf8"),
                Arguments.of("overlong UTF-8 in a text frame", (Mistake) ws -> ws.frame(true, 0, TEXT, true,
                        concat("\"", new byte[] {(byte) 0xC0, (byte) 0xAF}, "\"")), 1007, "invalid_utf8"),
                Arguments.of("UTF-8-encoded surrogate in a continuation", (Mistake) ws -> {
                    ws.frame(false, 0, TEXT, true, "\"a".getBytes(StandardCharsets.UTF_8));
                    ws.frame(true, 0, CONTINUATION, true, concat("", new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                            "\""));
                }, 1007, "invalid_utf8"),
                Arguments.of("text message ending inside a UTF-8 sequence", (Mistake) ws -> ws.frame(true, 0, TEXT, true,
                        concat("\"", new byte[] {(byte) 0xE2, (byte) 0x82}, "")), 1007, "invalid_utf8"),
                Arguments.of("message over the hard limit", (Mistake) ws -> {
                    // the header announces the size: the server refuses before the payload, so send only its start
                    byte[] frame = RawFrames.encode(true, 0, TEXT, true, new byte[2 * MAX_FRAME + 1], new Random(2));
                    ws.raw(java.util.Arrays.copyOf(frame, 64));
                }, 1009, "oversize"),
                Arguments.of("fragmented message over the hard limit", (Mistake) ws -> {
                    ws.frame(false, 0, TEXT, true, new byte[MAX_FRAME + 10]);
                    ws.frame(true, 0, CONTINUATION, true, new byte[MAX_FRAME + 10]);
                }, 1009, "oversize"));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("violations")
    void violationIsClosedWithItsRfcCodeAndCountedApart(String name, Mistake mistake, int code, String metric)
            throws Exception {
        double before = badFrames(metric);
        try (RawFrames ws = RawFrames.connect(server.port, "/?storeId=rfc&transport=ws")) {
            mistake.make(ws);
            Optional<RawFrames.Frame> close = ws.awaitClose();
            assertThat(close).as("a close frame for: " + name).isPresent();
            assertThat(close.get().closeCode()).as("close code for: " + name).isEqualTo(code);
            assertThat(close.get().closeReason()).as("a readable reason").isNotBlank();
            assertThat(close.get().payload().length).isLessThanOrEqualTo(125);
        }
        assertThat(badFrames(metric)).as("eventsync_bad_frames_total{reason=" + metric + "}").isEqualTo(before + 1);
        assertServerStillServes();
    }

    @Test
    void aNormalCloseIsEchoedAndNotCounted() throws Exception {
        double before = totalBadFrames();
        try (RawFrames ws = RawFrames.connect(server.port, "/?storeId=rfc&transport=ws")) {
            ws.frame(true, 0, CLOSE, true, RawFrames.closePayload(1000, "bye".getBytes(StandardCharsets.UTF_8)));
            Optional<RawFrames.Frame> close = ws.awaitClose();
            assertThat(close).isPresent();
            assertThat(close.get().closeCode()).isEqualTo(1000);
        }
        assertThat(totalBadFrames()).isEqualTo(before);
    }

    @Test
    void aFragmentedMessageWithinTheLimitIsAnswered() throws Exception {
        try (RawFrames ws = RawFrames.connect(server.port, "/?storeId=rfc&transport=ws")) {
            ws.frame(false, 0, TEXT, true, "{\"_tag\":".getBytes(StandardCharsets.UTF_8));
            ws.frame(false, 0, CONTINUATION, true, "\"Pi".getBytes(StandardCharsets.UTF_8));
            ws.frame(true, 0, PING, true, new byte[] {1}); // control frames may come between fragments
            ws.frame(true, 0, CONTINUATION, true, "ng\"}".getBytes(StandardCharsets.UTF_8));
            assertThat(ws.nextText()).contains("{\"_tag\":\"Pong\"}");
        }
    }

    /** A character split between two fragments is fine: only the whole message must be UTF-8. */
    @Test
    void aUtf8CharacterSplitAcrossFragmentsIsAccepted() throws Exception {
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8); // E2 82 AC
        try (RawFrames ws = RawFrames.connect(server.port, "/?storeId=rfc&transport=ws")) {
            ws.frame(false, 0, TEXT, true, concat("{\"_tag\":\"Ping\",\"x\":\"", new byte[] {euro[0], euro[1]}, ""));
            ws.frame(true, 0, CONTINUATION, true, concat("", new byte[] {euro[2]}, "\"}"));
            assertThat(ws.nextText()).contains("{\"_tag\":\"Pong\"}");
        }
    }

    private static byte[] concat(String before, byte[] middle, String after) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static void assertServerStillServes() throws Exception {
        try (RawFrames ws = RawFrames.connect(server.port, "/?storeId=rfc&transport=ws")) {
            ws.text("{\"_tag\":\"Ping\"}");
            assertThat(ws.nextText()).contains("{\"_tag\":\"Pong\"}");
        }
        assertThat(server.store.head(StoreId.of("rfc"))).isZero();
    }

    static double badFrames(String reason) throws Exception {
        return metric(server, "eventsync_bad_frames_total{reason=\"" + reason + "\"}");
    }

    private static double totalBadFrames() throws Exception {
        return scrape(server).lines().filter(l -> l.startsWith("eventsync_bad_frames_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static String scrape(TestServer server) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** The value of one Prometheus series (0 when absent). */
    static double metric(TestServer server, String series) throws Exception {
        return scrape(server).lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1))).findFirst().orElse(0);
    }
}
