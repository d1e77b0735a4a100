package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawFrames.CONTINUATION;
import static dev.eventsync.vertx.RawFrames.TEXT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.StoreId;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/**
 * permessage-deflate (RFC 7692): a compressed message is bounded by its inflated size, with the same 1009 close as
 * an uncompressed message over the limit, however small it is on the wire; compression is declined by default and
 * a client that offers it is then answered uncompressed.
 */
class WebSocketCompressionTest {

    private static final int MAX_FRAME = 64 * 1024;
    private static final String DEFLATE = "Sec-WebSocket-Extensions: permessage-deflate; client_no_context_takeover";

    /** The defaults with compression offered (it is declined by default) and a small frame limit. */
    private static VertxSettings compressing() {
        return VertxSettings.defaults().withWebSocketCompression(true).withMaxFrameBytes(MAX_FRAME);
    }

    /** Raw DEFLATE of {@code data} as permessage-deflate sends it: without the final empty block's 4-byte tail. */
    static byte[] deflate(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH)) > 0) {
            out.write(buffer, 0, n);
            if (n < buffer.length) {
                break;
            }
        }
        deflater.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4); // drop 00 00 FF FF (RFC 7692 §7.2.1)
    }

    /** A JSON push whose args are {@code size} bytes of one repeated letter: tiny once compressed. */
    static byte[] bigPush(int size) {
        String head = "{\"_tag\":\"Request\",\"id\":\"1\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"storeId\":\"z\","
                + "\"batch\":[{\"name\":\"v1.X\",\"args\":\"";
        String tail = "\",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}],"
                + "\"backendId\":{\"_tag\":\"None\"}},\"headers\":[]}";
        byte[] message = new byte[head.length() + size + tail.length()];
        System.arraycopy(head.getBytes(StandardCharsets.UTF_8), 0, message, 0, head.length());
        Arrays.fill(message, head.length(), head.length() + size, (byte) 'a');
        System.arraycopy(tail.getBytes(StandardCharsets.UTF_8), 0, message, head.length() + size, tail.length());
        return message;
    }

    @Test
    void aCompressedMessageIsAnswered() throws Exception {
        try (TestServer server = TestServer.start(compressing());
             RawFrames ws = RawFrames.connect(server.port, "/?storeId=z&transport=ws", DEFLATE)) {
            assertThat(ws.handshakeResponse).contains("permessage-deflate");
            ws.frame(true, 4, TEXT, true, deflate("{\"_tag\":\"Ping\"}".getBytes(StandardCharsets.UTF_8)));
            Optional<RawFrames.Frame> pong = ws.next();
            assertThat(pong).isPresent();
            assertThat(pong.get().opcode()).isEqualTo(TEXT);
        }
    }

    @Test
    void aCompressedMessageThatInflatesBeyondTheLimitIsClosedWith1009LikeAnUncompressedOne() throws Exception {
        try (TestServer server = TestServer.start(compressing())) {
            double before = WebSocketRfcTest.metric(server, "eventsync_bad_frames_total{reason=\"oversize\"}");
            byte[] compressed = deflate(bigPush(3 << 20));
            assertThat(compressed.length).isLessThan(MAX_FRAME / 4); // a few kB on the wire
            try (RawFrames ws = RawFrames.connect(server.port, "/?storeId=z&transport=ws", DEFLATE)) {
                ws.frame(true, 4, TEXT, true, compressed);
                Optional<RawFrames.Frame> close = ws.awaitClose();
                assertThat(close).isPresent();
                assertThat(close.get().closeCode()).isEqualTo(1009);
                assertThat(close.get().closeReason()).contains("exceeds");
            }
            assertThat(WebSocketRfcTest.metric(server, "eventsync_bad_frames_total{reason=\"oversize\"}"))
                    .isEqualTo(before + 1);
            assertThat(server.store.head(StoreId.of("z"))).isZero();
        }
    }

    @Test
    void aBombSpreadOverFragmentsIsClosedWith1009() throws Exception {
        try (TestServer server = TestServer.start(compressing());
             RawFrames ws = RawFrames.connect(server.port, "/?storeId=z&transport=ws", DEFLATE)) {
            byte[] compressed = deflate(bigPush(8 << 20));
            int half = compressed.length / 2;
            ws.frame(false, 4, TEXT, true, Arrays.copyOfRange(compressed, 0, half));
            ws.frame(true, 0, CONTINUATION, true, Arrays.copyOfRange(compressed, half, compressed.length));
            Optional<RawFrames.Frame> close = ws.awaitClose();
            assertThat(close).isPresent();
            assertThat(close.get().closeCode()).isEqualTo(1009);
            assertThat(server.store.head(StoreId.of("z"))).isZero();
        }
    }

    @Test
    void compressionCanBeDeclined() throws Exception {
        assertDeclined(VertxSettings.defaults().withWebSocketCompression(true).withWebSocketCompression(false));
    }

    @Test
    void compressionIsDeclinedByDefault() throws Exception {
        assertThat(VertxSettings.defaults().webSocketCompression()).isFalse();
        assertDeclined(VertxSettings.defaults());
    }

    @Test
    void aClientOfferingCompressionIsAnsweredUncompressedWhenItIsDeclined() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults());
             RawFrames ws = RawFrames.connect(server.port, "/?storeId=z&transport=ws", DEFLATE)) {
            assertThat(ws.handshakeResponse).startsWithIgnoringCase("HTTP/1.1 101").doesNotContain("permessage-deflate");
            ws.frame(true, 0, TEXT, true, "{\"_tag\":\"Ping\"}".getBytes(StandardCharsets.UTF_8));
            Optional<RawFrames.Frame> pong = ws.next();
            assertThat(pong).isPresent();
            assertThat(pong.get().opcode()).isEqualTo(TEXT);
            assertThat(pong.get().rsv()).isZero(); // not compressed
            assertThat(new String(pong.get().payload(), StandardCharsets.UTF_8)).isEqualTo("{\"_tag\":\"Pong\"}");
        }
    }

    private static void assertDeclined(VertxSettings settings) throws Exception {
        try (TestServer server = TestServer.start(settings);
             RawFrames ws = RawFrames.connect(server.port, "/?storeId=z&transport=ws", DEFLATE)) {
            assertThat(ws.handshakeResponse).doesNotContain("permessage-deflate");
            ws.frame(true, 4, TEXT, true, deflate("{\"_tag\":\"Ping\"}".getBytes(StandardCharsets.UTF_8)));
            Optional<RawFrames.Frame> close = ws.awaitClose(); // RSV1 without the extension: a protocol error
            assertThat(close).isPresent();
            assertThat(close.get().closeCode()).isEqualTo(1002);
        }
    }
}
