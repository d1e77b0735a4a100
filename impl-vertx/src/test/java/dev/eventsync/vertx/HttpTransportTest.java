package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Verdict;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP transport, routing, auth at connect, health and metrics, against a real server. */
class HttpTransportTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private HttpResponse<String> post(String pathAndQuery, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String pathAndQuery) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String request(String id, String tag, String payload) {
        return "{\"_tag\":\"Request\",\"id\":\"" + id + "\",\"tag\":\"" + tag + "\",\"payload\":" + payload
                + ",\"traceId\":\"t\",\"spanId\":\"s\",\"sampled\":false,\"headers\":[]}";
    }

    @Test
    void httpPingAnswersPongInAnArray() throws Exception {
        HttpResponse<String> r = post("/any/path?storeId=h1&transport=http",
                request("0", "SyncHttpRpc.Ping", "{\"storeId\":\"h1\"}"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(r.body()).isEqualTo("[{\"_tag\":\"Exit\",\"requestId\":\"0\",\"exit\":{\"_tag\":\"Success\","
                + "\"value\":{\"_tag\":\"SyncMessage.Pong\"}}}]");
    }

    @Test
    void httpPushThenPullReturnsChunksThenExitInOneArray() throws Exception {
        String batch = "[" + event(1, 0, "{\"a\": [1, 2]}") + "," + event(2, 1, "{}") + "]";
        HttpResponse<String> pushed = post("/?storeId=h1&transport=http", request("1", "SyncHttpRpc.Push",
                "{\"storeId\":\"h1\",\"batch\":" + batch + ",\"backendId\":{\"_tag\":\"None\"}}"));
        assertThat(pushed.body()).isEqualTo("[{\"_tag\":\"Exit\",\"requestId\":\"1\",\"exit\":{\"_tag\":\"Success\","
                + "\"value\":{}}}]");
        HttpResponse<String> pulled = post("/?storeId=h1&transport=http",
                request("2", "SyncHttpRpc.Pull", "{\"storeId\":\"h1\",\"cursor\":{\"_tag\":\"None\"}}"));
        JsonNode messages = ProtocolJson.readTree(pulled.body());
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("_tag").asText()).isEqualTo("Chunk");
        assertThat(messages.get(0).path("values").get(0).path("batch")).hasSize(2);
        assertThat(pulled.body()).contains("\"args\":{\"a\": [1, 2]}");
        assertThat(messages.get(1).toString()).isEqualTo("{\"_tag\":\"Exit\",\"requestId\":\"2\",\"exit\":{\"_tag\":\"Success\"}}");
    }

    @Test
    void pagesOfAnHttpPullAreAllInTheArray() throws Exception {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 1; i <= 100; i++) {
            batch.append(i > 1 ? "," : "").append(event(i, i - 1, "{}"));
        }
        post("/?storeId=h1&transport=http", request("1", "SyncHttpRpc.Push",
                "{\"storeId\":\"h1\",\"batch\":" + batch + "],\"backendId\":{\"_tag\":\"None\"}}"));
        batch = new StringBuilder("[");
        for (int i = 101; i <= 150; i++) {
            batch.append(i > 101 ? "," : "").append(event(i, i - 1, "{}"));
        }
        post("/?storeId=h1&transport=http", request("2", "SyncHttpRpc.Push",
                "{\"storeId\":\"h1\",\"batch\":" + batch + "],\"backendId\":{\"_tag\":\"None\"}}"));
        JsonNode messages = ProtocolJson.readTree(post("/?storeId=h1&transport=http", request("3", "SyncHttpRpc.Pull",
                "{\"storeId\":\"h1\",\"cursor\":{\"_tag\":\"None\"}}")).body());
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("values").get(0).path("pageInfo").toString())
                .isEqualTo("{\"_tag\":\"MoreKnown\",\"remaining\":50}");
        assertThat(messages.get(1).path("values").get(0).path("batch")).hasSize(50);
        assertThat(messages.get(2).path("_tag").asText()).isEqualTo("Exit");
    }

    @Test
    void payloadIsDecodedTwiceKeepingPlus() throws Exception {
        List<String> payloads = new CopyOnWriteArrayList<>();
        try (TestServer auth = TestServer.withAuthenticator(ctx -> {
            payloads.add(ctx.payload().orElse("<none>"));
            return AuthResult.allow();
        })) {
            // as captured from LiveStore for syncPayload {"authToken":"secret&x=1","n":1}, plus a '+' (%252B)
            String query = "?storeId=store-p&payload=%257B%2522authToken%2522%253A%2522se%252Bcret%2526x%253D1%2522"
                    + "%252C%2522n%2522%253A1%257D&transport=http";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + auth.port
                            + "/sync" + query)).POST(HttpRequest.BodyPublishers.ofString(
                            request("0", "SyncHttpRpc.Ping", "{\"storeId\":\"store-p\"}"))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(payloads).first().isEqualTo("{\"authToken\":\"se+cret&x=1\",\"n\":1}");
        }
    }

    @Test
    void deniedCallerGets403OnHttpAndOnWebSocketUpgrade() throws Exception {
        try (TestServer auth = TestServer.withAuthenticator(ctx -> ctx.payload().orElse("").contains("good")
                ? AuthResult.allow() : AuthResult.deny("token missing or expired"))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + auth.port
                    + "/?storeId=s&transport=http")).POST(HttpRequest.BodyPublishers.ofString(
                    request("0", "SyncHttpRpc.Ping", "{\"storeId\":\"s\"}"))).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("token missing or expired");

            Throwable failure = null;
            try {
                http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + auth.port + "/?storeId=s&transport=ws"),
                        new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                failure = e.getCause();
            }
            assertThat(failure).isInstanceOf(WebSocketHandshakeException.class);
            HttpResponse<?> response = ((WebSocketHandshakeException) failure).getResponse();
            assertThat(response.statusCode()).isEqualTo(403);
            assertThat(response.body().toString()).contains("token missing or expired");

            String good = "%257B%2522t%2522%253A%2522good%2522%257D";
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + auth.port
                    + "/?storeId=s&payload=" + good + "&transport=ws"), new WebSocket.Listener() { }).get(10, TimeUnit.SECONDS);
            ws.sendClose(1000, "done").join();
        }
    }

    @Test
    void rejectedEventIsNamedInTheError() throws Exception {
        try (TestServer guarded = TestServer.withInterceptor((ctx, e) -> e.name().equals("v1.Forbidden")
                ? Verdict.reject("forbidden events are not accepted") : Verdict.accept())) {
            String batch = "[" + event(1, 0, "{}") + ",{\"name\":\"v1.Forbidden\",\"args\":{},\"seqNum\":2,"
                    + "\"parentSeqNum\":1,\"clientId\":\"c\",\"sessionId\":\"s\"}]";
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + guarded.port
                    + "/?storeId=s&transport=http")).POST(HttpRequest.BodyPublishers.ofString(request("1",
                    "SyncHttpRpc.Push", "{\"storeId\":\"s\",\"batch\":" + batch + ",\"backendId\":{\"_tag\":\"None\"}}")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode error = ProtocolJson.readTree(r.body()).get(0).path("exit").path("cause").path("error");
            assertThat(error.path("_tag").asText()).isEqualTo("UnknownError");
            assertThat(error.path("note").asText()).contains("v1.Forbidden").contains("forbidden events are not accepted");
            assertThat(error.path("payload").path("eventsyncError").asText()).isEqualTo("rejected");
            assertThat(guarded.store.head(StoreId.of("s"))).isZero();
        }
    }

    @Test
    void badHttpBodiesGetClearErrorsAndPersistNothing() throws Exception {
        HttpResponse<String> malformed = post("/?storeId=b&transport=http", "{\"_tag\":\"Request\",");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(ProtocolJson.readTree(malformed.body()).get(0).path("_tag").asText()).isEqualTo("Defect");
        assertThat(malformed.body()).contains("malformed JSON");

        HttpResponse<String> unknownRpc = post("/?storeId=b&transport=http", request("5", "SyncHttpRpc.Explode", "{}"));
        JsonNode exit = ProtocolJson.readTree(unknownRpc.body()).get(0);
        assertThat(exit.path("requestId").asText()).isEqualTo("5");
        assertThat(exit.path("exit").path("cause").path("error").path("note").asText()).contains("unknown RPC");

        HttpResponse<String> wrongType = post("/?storeId=b&transport=http", request("6", "SyncHttpRpc.Push",
                "{\"storeId\":\"b\",\"batch\":[{\"name\":1}],\"backendId\":{\"_tag\":\"None\"}}"));
        assertThat(ProtocolJson.readTree(wrongType.body()).get(0).path("exit").path("cause").path("error")
                .path("note").asText()).contains("'name' must be a string");

        String big = "\"" + "x".repeat(1_200_000) + "\"";
        HttpResponse<String> oversize = post("/?storeId=b&transport=http", request("7", "SyncHttpRpc.Push",
                "{\"storeId\":\"b\",\"batch\":[" + event(1, 0, big) + "],\"backendId\":{\"_tag\":\"None\"}}"));
        assertThat(ProtocolJson.readTree(oversize.body()).get(0).path("exit").path("cause").path("error")
                .path("payload").path("limit").asText()).isEqualTo("maxFrameBytes");
        assertThat(server.store.head(StoreId.of("b"))).isZero();
        assertThat(post("/?storeId=b&transport=http", request("8", "SyncHttpRpc.Ping", "{\"storeId\":\"b\"}"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void notASyncRequestGetsClear4xx() throws Exception {
        HttpResponse<String> ws = get("/?storeId=s&transport=ws");
        assertThat(ws.statusCode()).isEqualTo(426);
        assertThat(ws.body()).contains("WebSocket upgrade");
        HttpResponse<String> noTransport = get("/?storeId=s");
        assertThat(noTransport.statusCode()).isEqualTo(400);
        assertThat(noTransport.body()).contains("transport");
        HttpResponse<String> badStore = post("/?storeId=bad%20store&transport=http", "{}");
        assertThat(badStore.statusCode()).isEqualTo(400);
        assertThat(badStore.body()).contains("invalid storeId");
        HttpResponse<String> getHttp = get("/?storeId=s&transport=http");
        assertThat(getHttp.statusCode()).isEqualTo(405);
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
        assertThat(get("/").body()).contains("makeWsSync");
    }

    @Test
    void corsPreflightAndResponsesAllowConfiguredOrigins() throws Exception {
        try (TestServer cors = TestServer.start(VertxSettings.defaults()
                .withCorsAllowedOrigins(List.of("http://app.example")))) {
            URI uri = URI.create("http://127.0.0.1:" + cors.port + "/?storeId=c&transport=http");
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(uri)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://app.example")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type,x-livestore-store-id")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("http://app.example");
            // an exact origin may send credentials (cookies, Authorization): browsers need this header for that
            assertThat(preflight.headers().firstValue("access-control-allow-credentials")).hasValue("true");
            HttpResponse<String> ping = http.send(HttpRequest.newBuilder(uri).header("Origin", "http://app.example")
                    .POST(HttpRequest.BodyPublishers.ofString(request("0", "SyncHttpRpc.Ping", "{\"storeId\":\"c\"}")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.headers().firstValue("access-control-allow-origin")).hasValue("http://app.example");
            HttpResponse<String> foreign = http.send(HttpRequest.newBuilder(uri).header("Origin", "http://evil.example")
                    .POST(HttpRequest.BodyPublishers.ofString(request("0", "SyncHttpRpc.Ping", "{\"storeId\":\"c\"}")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(foreign.statusCode()).isEqualTo(403);
        }
    }

    @Test
    void everyAnswerThatDependsOnTheOriginSaysVaryOrigin() throws Exception {
        try (TestServer cors = TestServer.start(VertxSettings.defaults()
                .withCorsAllowedOrigins(List.of("http://app.example")))) {
            String base = "http://127.0.0.1:" + cors.port;
            URI sync = URI.create(base + "/?storeId=c&transport=http");
            List<HttpRequest> requests = List.of(
                    // preflight, answer, refusal of a foreign origin, a request without Origin, an error answer
                    HttpRequest.newBuilder(sync).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("Origin", "http://app.example").header("Access-Control-Request-Method", "POST")
                            .build(),
                    HttpRequest.newBuilder(sync).header("Origin", "http://app.example")
                            .POST(HttpRequest.BodyPublishers.ofString(request("0", "SyncHttpRpc.Ping",
                                    "{\"storeId\":\"c\"}"))).build(),
                    HttpRequest.newBuilder(sync).header("Origin", "http://evil.example")
                            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                    HttpRequest.newBuilder(sync).POST(HttpRequest.BodyPublishers.ofString(request("0",
                            "SyncHttpRpc.Ping", "{\"storeId\":\"c\"}"))).build(),
                    HttpRequest.newBuilder(URI.create(base + "/nowhere")).header("Origin", "http://app.example").build(),
                    HttpRequest.newBuilder(URI.create(base + "/?storeId=bad%20id&transport=http"))
                            .header("Origin", "http://app.example").POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpRequest.newBuilder(URI.create(base + "/health")).header("Origin", "http://app.example").build());
            for (HttpRequest request : requests) {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                assertThat(r.headers().allValues("vary")).as("%s %s with Origin %s: HTTP %d", request.method(),
                        request.uri(), request.headers().firstValue("origin").orElse("(none)"), r.statusCode())
                        .containsExactly("Origin");
            }
        }
        // with the wildcard the answer is the same for every origin: nothing varies
        try (TestServer any = TestServer.start(VertxSettings.defaults().withCorsAllowedOrigins(List.of("*")))) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + any.port
                    + "/?storeId=c&transport=http")).header("Origin", "http://a.example")
                    .POST(HttpRequest.BodyPublishers.ofString(request("0", "SyncHttpRpc.Ping", "{\"storeId\":\"c\"}")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().allValues("vary")).isEmpty();
        }
    }

    @Test
    void healthReportsReadinessIncludingStorage() throws Exception {
        HttpResponse<String> r = get("/health");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode health = ProtocolJson.readTree(r.body());
        assertThat(health.path("status").asText()).isEqualTo("UP");
        assertThat(health.path("ready").asBoolean()).isTrue();
        assertThat(get("/health/live").statusCode()).isEqualTo(200);
    }

    @Test
    void metricsExportPrometheusText() throws Exception {
        post("/?storeId=m1&transport=http", request("1", "SyncHttpRpc.Push",
                "{\"storeId\":\"m1\",\"batch\":[" + event(1, 0, "{}") + "],\"backendId\":{\"_tag\":\"None\"}}"));
        post("/?storeId=m1&transport=http", request("2", "SyncHttpRpc.Push",
                "{\"storeId\":\"m1\",\"batch\":[" + event(1, 0, "{\"other\":1}") + "],\"backendId\":{\"_tag\":\"None\"}}"));
        post("/?storeId=m1&transport=http", request("3", "SyncHttpRpc.Pull",
                "{\"storeId\":\"m1\",\"cursor\":{\"_tag\":\"None\"}}"));
        HttpResponse<String> r = get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
        assertThat(r.body())
                .contains("eventsync_pushes_total{outcome=\"accepted\",reason=\"appended\",transport=\"http\"} 1.0")
                .contains("eventsync_pushes_total{outcome=\"rejected\",reason=\"server_ahead\",transport=\"http\"} 1.0")
                .contains("eventsync_events_appended_total 1.0")
                .contains("eventsync_pull_pages_total{transport=\"http\"} 1.0")
                .doesNotContain("eventsync_store_head") // per-store series are off by default
                .contains("eventsync_push_latency_seconds_bucket")
                .contains("eventsync_live_subscribers")
                .contains("eventsync_connections{transport=\"ws\"}");
    }

    @Test
    void corsForAnyOriginAnswersTheWildcardWithoutCredentials() throws Exception {
        try (TestServer cors = TestServer.start(VertxSettings.defaults().withCorsAllowedOrigins(List.of("*")))) {
            URI uri = URI.create("http://127.0.0.1:" + cors.port + "/?storeId=c&transport=http");
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(uri)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://anywhere.example")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            // browsers refuse a wildcard together with credentials, so a wildcard never allows them
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("*");
            assertThat(preflight.headers().firstValue("access-control-allow-credentials")).isEmpty();
            HttpResponse<String> ping = http.send(HttpRequest.newBuilder(uri).header("Origin", "http://other.example")
                    .POST(HttpRequest.BodyPublishers.ofString(request("0", "SyncHttpRpc.Ping", "{\"storeId\":\"c\"}")))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ping.statusCode()).isEqualTo(200);
            assertThat(ping.headers().firstValue("access-control-allow-origin")).hasValue("*");
        }
    }

    @Test
    void metricsIncludeJvmAndProcessMeters() throws Exception {
        String body = get("/metrics").body();
        assertThat(body).contains("jvm_memory_used_bytes{").contains("jvm_threads_live_threads")
                .contains("jvm_gc_").contains("jvm_classes_loaded_classes").contains("process_uptime_seconds")
                .contains("process_cpu_usage").contains("system_cpu_count");
    }
}
