package dev.eventsync.vertx;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Random;

/**
 * A WebSocket client on a plain TCP socket that writes frames bit by bit (RFC 6455 §5.2), so that tests can send
 * what no well-behaved client library sends: unmasked frames, reserved opcodes and RSV bits, stray continuations,
 * broken control frames, or compressed messages. Reads the server's frames the same way.
 */
final class RawFrames implements AutoCloseable {

    static final int CONTINUATION = 0x0;
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    /** A frame from the server. */
    record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The close code of a close frame, or -1 without one. */
        int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
        }

        String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final Random maskRandom = new Random(1);
    /** The response headers of the upgrade, lower-cased, for example to see the negotiated extensions. */
    final String handshakeResponse;

    private RawFrames(Socket socket, String handshakeResponse) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new DataInputStream(socket.getInputStream());
        this.handshakeResponse = handshakeResponse;
    }

    /** Opens a WebSocket to {@code path} with the given extra request header lines (may be empty). */
    static RawFrames connect(int port, String path, String... extraHeaders) throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        StringBuilder request = new StringBuilder()
                .append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(new byte[16])).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        for (String header : extraHeaders) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
        String response = readHead(socket.getInputStream());
        if (!response.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + response.lines().findFirst().orElse(response));
        }
        return new RawFrames(socket, response.toLowerCase(java.util.Locale.ROOT));
    }

    static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed during the handshake: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Writes one frame; {@code masked} false breaks RFC 6455 §5.1 for a client. */
    void frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) throws IOException {
        out.write(encode(fin, rsv, opcode, masked, payload, maskRandom));
        out.flush();
    }

    /** The bytes of one frame. */
    static byte[] encode(boolean fin, int rsv, int opcode, boolean masked, byte[] payload, Random random) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
        b.write((fin ? 0x80 : 0) | ((rsv & 0x7) << 4) | (opcode & 0xF));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            b.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            b.write(maskBit | 126);
            b.write(payload.length >>> 8);
            b.write(payload.length);
        } else {
            b.write(maskBit | 127);
            long len = payload.length;
            for (int shift = 56; shift >= 0; shift -= 8) {
                b.write((int) (len >>> shift));
            }
        }
        if (masked) {
            byte[] key = new byte[4];
            random.nextBytes(key);
            b.write(key, 0, 4);
            byte[] masked2 = new byte[payload.length];
            for (int i = 0; i < payload.length; i++) {
                masked2[i] = (byte) (payload[i] ^ key[i & 3]);
            }
            b.write(masked2, 0, masked2.length);
        } else {
            b.write(payload, 0, payload.length);
        }
        return b.toByteArray();
    }

    void text(String message) throws IOException {
        frame(true, 0, TEXT, true, message.getBytes(StandardCharsets.UTF_8));
    }

    void raw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** A close frame with {@code code} and raw reason bytes. */
    static byte[] closePayload(int code, byte[] reason) {
        byte[] p = new byte[2 + reason.length];
        p[0] = (byte) (code >>> 8);
        p[1] = (byte) code;
        System.arraycopy(reason, 0, p, 2, reason.length);
        return p;
    }

    /** The next frame from the server, or empty when the connection ends or nothing arrives within the timeout. */
    Optional<Frame> next() throws IOException {
        try {
            int b0 = in.read();
            if (b0 < 0) {
                return Optional.empty();
            }
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] key = null;
            if ((b1 & 0x80) != 0) {
                key = new byte[4];
                in.readFully(key);
            }
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            if (key != null) {
                for (int i = 0; i < payload.length; i++) {
                    payload[i] ^= key[i & 3];
                }
            }
            return Optional.of(new Frame((b0 & 0x80) != 0, (b0 >>> 4) & 0x7, b0 & 0xF, payload));
        } catch (EOFException | SocketTimeoutException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (socket.isClosed() || "Connection reset".equals(e.getMessage())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Reads frames until a close frame (returned) or the end of the connection (empty). */
    Optional<Frame> awaitClose() throws IOException {
        for (Optional<Frame> f = next(); f.isPresent(); f = next()) {
            if (f.get().opcode() == CLOSE) {
                return f;
            }
        }
        return Optional.empty();
    }

    /** The next text frame, skipping control frames; empty when none arrives. */
    Optional<String> nextText() throws IOException {
        for (Optional<Frame> f = next(); f.isPresent(); f = next()) {
            if (f.get().opcode() == TEXT) {
                return Optional.of(f.get().text());
            }
            if (f.get().opcode() == CLOSE) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    void soTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
