package dev.eventsync.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventsync.server.cli.ServeCommandAccess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The bounds of issue 10 as the server is configured with them: options, defaults, and who reads /metrics. */
class ResourceLimitsTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private int metricsStatus(EventsyncServer server, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static ServerConfig memory() {
        return ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"));
    }

    @Test
    void optionsReachTheConfigurationAndDefaultsAreSafe() {
        ServerConfig defaults = ServeCommandAccess.parse(Map.of(), new Properties());
        assertThat(defaults.resources()).isEqualTo(ResourceLimits.defaults());
        assertThat(defaults.resources().metricsPerStore()).isFalse();
        ServerConfig set = ServeCommandAccess.parse(Map.of("EVENTSYNC_MAX_IDLE_STORES", "7"), new Properties(),
                "--max-connections", "50", "--max-connections-per-address", "5", "--max-json-depth", "64",
                "--ws-compression", "false", "--metrics-per-store", "--metrics-token", "scrape-me", "--event-loops", "3");
        assertThat(set.resources()).isEqualTo(new ResourceLimits(50, 5, 64, false, 7, true, Optional.of("scrape-me"),
                3));
        assertThat(defaults.resources().eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThatThrownBy(() -> ServeCommandAccess.parse(Map.of(), new Properties(), "--event-loops", "0"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("event-loops");
        for (String tooMany : new String[] {"257", "100000", "2147483647"}) {
            assertThatThrownBy(() -> ServeCommandAccess.parse(Map.of(), new Properties(), "--event-loops", tooMany))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("event-loops must be between 1 and 256, got " + tooMany);
        }
        assertThat(ServeCommandAccess.parse(Map.of(), new Properties(), "--event-loops", "256").resources().eventLoops())
                .isEqualTo(256);
        assertThatThrownBy(() -> ServeCommandAccess.parse(Map.of(), new Properties(), "--max-json-depth", "5000"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("max-json-depth");
        assertThatThrownBy(() -> ServeCommandAccess.parse(Map.of(), new Properties(), "--max-connections", "0"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("max-connections");
    }

    @Test
    void metricsAreOpenWithoutClientAuth() throws Exception {
        try (EventsyncServer server = Eventsync.builder().config(memory()).build().start()) {
            assertThat(metricsStatus(server, null)).isEqualTo(200);
        }
    }

    @Test
    void anAdminTokenAloneLeavesMetricsOpenAndAMetricsTokenClosesThemToTheAdminTokenToo() throws Exception {
        String admin = "0123456789abcdef-admin";
        // the docs: /metrics is locked only by --metrics-token or by clients having to authenticate
        try (EventsyncServer server = Eventsync.builder().config(memory()
                .withHttp(HttpOptions.defaults().withAdminToken(admin))).build().start()) {
            assertThat(metricsStatus(server, null)).isEqualTo(200);
            assertThat(metricsStatus(server, "anything")).isEqualTo(200);
        }
        try (EventsyncServer server = Eventsync.builder().config(memory()
                .withHttp(HttpOptions.defaults().withAdminToken(admin))
                .withResources(ResourceLimits.defaults().withMetricsToken("scrape-secret"))).build().start()) {
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("--metrics-token");
            assertThat(metricsStatus(server, admin)).as("the metrics token, when set, is the only key").isEqualTo(401);
            assertThat(metricsStatus(server, "scrape-secret")).isEqualTo(200);
        }
    }

    @Test
    void withClientAuthMetricsAreClosedUnlessATokenIsConfigured() throws Exception {
        try (EventsyncServer server = Eventsync.builder().config(memory().withAuthToken("client-secret")).build()
                .start()) {
            assertThat(metricsStatus(server, null)).isEqualTo(403);
            assertThat(metricsStatus(server, "client-secret")).isEqualTo(403); // a client's credential is not enough
        }
        try (EventsyncServer server = Eventsync.builder().config(memory().withAuthToken("client-secret")
                .withResources(ResourceLimits.defaults().withMetricsToken("scrape-secret"))).build().start()) {
            assertThat(metricsStatus(server, null)).isEqualTo(401);
            assertThat(metricsStatus(server, "scrape-secret")).isEqualTo(200);
        }
        try (EventsyncServer server = Eventsync.builder().config(memory().withAuthToken("client-secret")
                .withHttp(HttpOptions.defaults().withAdminToken("0123456789abcdef-admin"))).build().start()) {
            assertThat(metricsStatus(server, null)).isEqualTo(401);
            assertThat(metricsStatus(server, "client-secret")).isEqualTo(401);
            assertThat(metricsStatus(server, "0123456789abcdef-admin")).isEqualTo(200);
        }
    }
}
