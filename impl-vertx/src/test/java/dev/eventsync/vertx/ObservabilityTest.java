package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.SyncService;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} and {@code /health} under pressure: per-store series off by default and bounded when on, the
 * metrics endpoint behind a token, and health answering within its timeout while the storage check hangs.
 */
class ObservabilityTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(int port, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void perStoreSeriesAreBoundedWhenTurnedOn() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults().withStoreHeadMetrics(true)
                .withMaxStoreHeadMetrics(3))) {
            for (int i = 0; i < 6; i++) {
                try (RawWs ws = RawWs.connect(server, "s" + i)) {
                    ws.send(RawWs.push("1", "s" + i, "[" + event(1, 0, "{}") + "]", NONE));
                    assertThat(ws.next().path("exit").path("_tag").asText()).isEqualTo("Success");
                }
            }
            String body = get(server.port, "/metrics").body();
            assertThat(body.lines().filter(l -> l.startsWith("eventsync_store_head{"))).containsExactlyInAnyOrder(
                    "eventsync_store_head{store=\"s3\"} 1.0", "eventsync_store_head{store=\"s4\"} 1.0",
                    "eventsync_store_head{store=\"s5\"} 1.0");
        }
    }

    @Test
    void metricsNeedTheTokenWhenOneIsSet() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults()
                .withMetricsToken(java.util.Optional.of("metrics-secret")))) {
            assertThat(get(server.port, "/metrics").statusCode()).isEqualTo(401);
            assertThat(get(server.port, "/metrics", "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
            HttpResponse<String> ok = get(server.port, "/metrics", "Authorization", "Bearer metrics-secret");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("eventsync_connections");
            assertThat(get(server.port, "/health").statusCode()).isEqualTo(200); // health stays open
        }
    }

    @Test
    void metricsAreClosedWhenClientsMustAuthenticateAndNoTokenIsSet() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults().withMetricsRequireToken(true))) {
            HttpResponse<String> r = get(server.port, "/metrics");
            assertThat(r.statusCode()).isEqualTo(403);
            assertThat(r.body()).contains("--metrics-token");
        }
    }

    @Test
    void healthAnswersWithinItsTimeoutWhileTheStorageCheckHangs() throws Exception {
        InMemoryEventStore storage = new InMemoryEventStore();
        SyncEngine engine = SyncEngine.builder(storage).build();
        CompletableFuture<SyncService.Health> hanging = new CompletableFuture<>();
        boolean[] outage = {false};
        SyncService service = (SyncService) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SyncService.class}, (proxy, method, args) -> {
                    if (method.getName().equals("health") && outage[0]) {
                        return hanging; // a database outage: the check waits for a pool connection
                    }
                    try {
                        return method.invoke(engine, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        VertxSyncServer server = VertxSyncServer.builder(service)
                .settings(VertxSettings.defaults().withPort(0).withHealthTimeout(Duration.ofMillis(500))).build();
        int port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            assertThat(get(port, "/health").statusCode()).isEqualTo(200);
            outage[0] = true;
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                HttpResponse<String> r = get(port, "/health");
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertThat(millis).as("answer time").isLessThan(1000);
                assertThat(r.statusCode()).isEqualTo(503);
                JsonNode body = ProtocolJson.readTree(r.body());
                assertThat(body.path("detail").asText()).contains("storage check pending").contains("last known: ready");
            }
            hanging.complete(new SyncService.Health(false, "storage down: connection refused"));
            HttpResponse<String> after = get(port, "/health");
            assertThat(after.statusCode()).isEqualTo(503);
            outage[0] = false;
            long deadline = System.currentTimeMillis() + 5000;
            int status = 0;
            while (status != 200 && System.currentTimeMillis() < deadline) {
                status = get(port, "/health").statusCode();
            }
            assertThat(status).as("ready again once the storage answers").isEqualTo(200);
        } finally {
            server.stop(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            engine.close();
        }
    }
}
