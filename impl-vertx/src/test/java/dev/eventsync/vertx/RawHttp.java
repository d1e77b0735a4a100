package dev.eventsync.vertx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 over a plain socket, for requests that no HTTP client library sends (malformed %-escapes, broken
 * headers) and for keeping many requests on one connection cheaply. Understands {@code Content-Length} and chunked
 * responses.
 */
final class RawHttp implements AutoCloseable {

    /** A response: status code, lower-cased head, body. */
    record Response(int status, String head, String body) {
    }

    private final Socket socket;
    private final InputStream in;

    RawHttp(int port) throws IOException {
        this(port, "127.0.0.1");
    }

    /** A connection from the local address {@code localAddress} (any 127.x.y.z works on Linux). */
    RawHttp(int port, String localAddress) throws IOException {
        socket = new Socket();
        socket.bind(new InetSocketAddress(localAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    /** Sends {@code requestHead} (request line and headers, without the blank line) and {@code body}. */
    Response send(String requestHead, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        String head = requestHead + "\r\nHost: 127.0.0.1\r\n" + (b.length > 0 || requestHead.startsWith("POST")
                ? "Content-Length: " + b.length + "\r\n" : "") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = java.util.Arrays.copyOf(h, h.length + b.length);
        System.arraycopy(b, 0, all, h.length, b.length);
        socket.getOutputStream().write(all); // one write: no Nagle wait between head and body
        socket.getOutputStream().flush();
        return read();
    }

    Response get(String target) throws IOException {
        return send("GET " + target + " HTTP/1.1", "");
    }

    Response post(String target, String body) throws IOException {
        return send("POST " + target + " HTTP/1.1\r\nContent-Type: application/json", body);
    }

    Response read() throws IOException {
        String head = RawFrames.readHead(in);
        String lower = head.toLowerCase(Locale.ROOT);
        int status = Integer.parseInt(head.substring(9, 12));
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int cl = lower.indexOf("content-length:");
        if (cl >= 0) {
            int len = Integer.parseInt(lower.substring(cl + 15, lower.indexOf('\r', cl)).trim());
            body.write(in.readNBytes(len));
        } else if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                String size = line();
                int n = Integer.parseInt(size.trim().split(";")[0], 16);
                if (n == 0) {
                    line();
                    break;
                }
                body.write(in.readNBytes(n));
                line();
            }
        }
        return new Response(status, lower, body.toString(StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** Whether the server closed the connection (reads end of stream within the socket timeout). */
    boolean closedByServer() throws IOException {
        try {
            return in.read() < 0;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
