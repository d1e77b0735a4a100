package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What CORS refuses and what it never refuses: only the HTTP transport's cross-origin requests from origins that
 * are not allowed. Raw sockets, so that {@code Host} and {@code Origin} are exactly what a browser would send.
 */
class CorsPolicyTest {

    private static final String PING = "{\"_tag\":\"Request\",\"id\":\"0\",\"tag\":\"SyncHttpRpc.Ping\",\"payload\":"
            + "{\"storeId\":\"c\"},\"traceId\":\"t\",\"spanId\":\"s\",\"sampled\":false,\"headers\":[]}";

    /** Sends one HTTP/1.1 request and returns the status line and headers (the body too, if it came). */
    private static String raw(int port, String method, String target, String host, String origin, List<String> more,
                              String body) throws Exception {
        StringBuilder request = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
        if (origin != null) {
            request.append("Origin: ").append(origin).append("\r\n");
        }
        more.forEach(h -> request.append(h).append("\r\n"));
        byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(content.length).append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            // a WebSocket stays open after its 101: read until the headers end, then stop
            for (int n; (n = in.read(buffer)) > 0; ) {
                answer.write(buffer, 0, n);
                String text = answer.toString(StandardCharsets.UTF_8);
                if (text.startsWith("HTTP/1.1 101") && text.contains("\r\n\r\n")) {
                    break;
                }
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static String status(String answer) {
        return answer.substring(0, answer.indexOf("\r\n"));
    }

    @Test
    void sameOriginRequestsAreNeverRefusedWhateverTheList() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults()
                .withCorsAllowedOrigins(List.of("https://app.example.com")))) {
            String sync = "/?storeId=c&transport=http";
            String own = "127.0.0.1:" + server.port;
            // the page was served by this server: Origin is the scheme with the Host it sent to
            for (String[] hostAndOrigin : new String[][] {
                    {own, "http://" + own},
                    {"sync.example.org:" + server.port, "http://sync.example.org:" + server.port},
                    {"Sync.Example.org", "http://sync.example.org"},
                    {"sync.example.org:80", "http://sync.example.org"},
                    {"[::1]:" + server.port, "http://[::1]:" + server.port}}) {
                String answer = raw(server.port, "POST", sync, hostAndOrigin[0], hostAndOrigin[1], List.of(), PING);
                assertThat(status(answer)).as("Host %s, Origin %s", (Object[]) hostAndOrigin)
                        .isEqualTo("HTTP/1.1 200 OK");
                assertThat(answer.toLowerCase()).doesNotContain("access-control-allow-origin");
            }
            // behind a TLS-terminating proxy the page is https while the server speaks http
            assertThat(status(raw(server.port, "POST", sync, "sync.example.org", "https://sync.example.org",
                    List.of("X-Forwarded-Proto: https"), PING))).isEqualTo("HTTP/1.1 200 OK");
            // another scheme, host or port than the request's is another origin: refused on the HTTP transport
            for (String foreign : List.of("https://" + own, "http://127.0.0.1:1", "http://evil.example", "null")) {
                String answer = raw(server.port, "POST", sync, own, foreign, List.of(), PING);
                assertThat(status(answer)).as(foreign).isEqualTo("HTTP/1.1 403 Forbidden");
                assertThat(answer).contains("CORS: origin " + foreign + " may not use the HTTP transport");
            }
        }
    }

    @Test
    void onlyTheHttpTransportIsSubjectToCors() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults()
                .withCorsAllowedOrigins(List.of("https://app.example.com")))) {
            String own = "127.0.0.1:" + server.port;
            for (String origin : List.of("https://evil.example.com", "null", "http://" + own)) {
                // a WebSocket is not subject to CORS: LiveStore's WebSocket transport works from any page
                String upgrade = raw(server.port, "GET", "/?storeId=c&transport=ws", own, origin, List.of(
                        "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13",
                        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="), null);
                assertThat(status(upgrade)).as("WebSocket with Origin %s", origin)
                        .isEqualTo("HTTP/1.1 101 Switching Protocols");
                // health, metrics and the root page answer every origin (without CORS headers: the browser keeps
                // the answer from a foreign page)
                for (String path : List.of("/health", "/metrics", "/")) {
                    String answer = raw(server.port, "GET", path, own, origin, List.of(), null);
                    assertThat(status(answer)).as("%s with Origin %s", path, origin).isEqualTo("HTTP/1.1 200 OK");
                    assertThat(answer.toLowerCase()).doesNotContain("access-control-allow-origin");
                }
            }
        }
    }

    @Test
    void ipv6OriginsAreNormalisedToTheCompressedFormBrowsersSend() throws Exception {
        for (String[] configuredAndSent : new String[][] {
                {"http://[0:0:0:0:0:0:0:1]:5173", "http://[::1]:5173"},
                {"http://[0000:0000:0000:0000:0000:0000:0000:0001]:5173/", "http://[::1]:5173"},
                {"https://[2001:DB8:0:0:1:0:0:1]:443", "https://[2001:db8::1:0:0:1]"},
                {"http://[2001:db8:0:1:1:1:1:1]", "http://[2001:db8:0:1:1:1:1:1]"},
                {"http://[::ffff:127.0.0.1]:8080", "http://[::ffff:7f00:1]:8080"},
                {"http://[0:0:0:0:0:0:0:0]", "http://[::]"},
                {"http://[fe80:0:0:1:0:0:0:5]", "http://[fe80:0:0:1::5]"}}) {
            assertThat(CorsOrigins.normalise(configuredAndSent[0])).as(configuredAndSent[0])
                    .isEqualTo(configuredAndSent[1]);
        }
        for (String bad : List.of("http://[::1%25eth0]", "http://[::g]", "http://[1:2:3:4:5:6:7:8:9]")) {
            assertThatThrownBy(() -> CorsOrigins.normalise(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        // the browser's Origin for a page at http://[::1]:5173 matches the long form in the configuration
        try (TestServer server = TestServer.start(VertxSettings.defaults()
                .withCorsAllowedOrigins(List.of("http://[0:0:0:0:0:0:0:1]:5173")))) {
            String answer = raw(server.port, "POST", "/?storeId=c&transport=http", "127.0.0.1:" + server.port,
                    "http://[::1]:5173", List.of(), PING);
            assertThat(status(answer)).isEqualTo("HTTP/1.1 200 OK");
            assertThat(answer).contains("http://[::1]:5173");
        }
    }

    @Test
    void severalOriginHeadersAreRefusedWith400WithOrWithoutCors() throws Exception {
        for (List<String> cors : List.of(List.<String>of(), List.of("https://app.example.com"), List.of("*"))) {
            try (TestServer server = TestServer.start(VertxSettings.defaults().withCorsAllowedOrigins(cors))) {
                String own = "127.0.0.1:" + server.port;
                for (String second : List.of("https://app.example.com", "http://" + own, "https://evil.example")) {
                    for (String path : List.of("/?storeId=c&transport=http", "/health")) {
                        String answer = raw(server.port, path.startsWith("/?") ? "POST" : "GET", path, own,
                                "https://app.example.com", List.of("Origin: " + second), path.startsWith("/?") ? PING : null);
                        assertThat(status(answer)).as("%s %s, Origin x2", cors, path).isEqualTo("HTTP/1.1 400 Bad Request");
                        assertThat(answer).contains("several Origin headers");
                    }
                }
                // one Origin still works
                assertThat(status(raw(server.port, "POST", "/?storeId=c&transport=http", own, "http://" + own,
                        List.of(), PING))).isEqualTo("HTTP/1.1 200 OK");
            }
        }
    }

    @Test
    void configuredOriginsAreNormalisedToWhatBrowsersSend() throws Exception {
        assertThat(VertxSettings.defaults().withCorsAllowedOrigins(List.of("https://app.example.com:443",
                "http://x:80", "HTTPS://App.Example.COM/", "http://localhost:5173/", "http://x:8080", " https://b.example "))
                .corsAllowedOrigins()).containsExactly("https://app.example.com", "http://x", "http://localhost:5173",
                "http://x:8080", "https://b.example");
        assertThat(CorsOrigins.normalise("http://[::1]:80")).isEqualTo("http://[::1]");
        assertThat(CorsOrigins.normalise("https://a.example:80")).isEqualTo("https://a.example:80");
        assertThat(CorsOrigins.normalise("*")).isEqualTo("*");
        for (String bad : List.of("app.example", "ftp://a.example", "https://a.example/path", "https://a.example?q",
                "https://a.example#f", "https://user@a.example", "https://a.example:0", "https://a.example:70000",
                "", "https://")) {
            assertThatThrownBy(() -> CorsOrigins.normalise(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an origin");
        }
        // a default port in the configuration matches the Origin browsers send without it
        try (TestServer server = TestServer.start(VertxSettings.defaults()
                .withCorsAllowedOrigins(List.of("https://App.example.com:443/", "http://localhost:80")))) {
            for (String origin : List.of("https://app.example.com", "http://localhost")) {
                String answer = raw(server.port, "POST", "/?storeId=c&transport=http", "127.0.0.1:" + server.port,
                        origin, List.of(), PING);
                assertThat(status(answer)).as(origin).isEqualTo("HTTP/1.1 200 OK");
                assertThat(answer).containsIgnoringCase("access-control-allow-origin: " + origin + "\r\n");
            }
        }
    }
}
