package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eventsync certify --profile eventsync} against our own server (memory storage) started with a shared auth
 * token and an admin token, over WebSocket and over HTTP: 0 failures on both; the authentication rule and the reset
 * rule really run (the report says PASSED, not SKIPPED); at the end no store with the run's prefix is left on the
 * server (listed through /admin/api/stores); the HTTP run takes at most twice as long as the WebSocket run.
 */
class CertifyOwnServerTest {

    private static final String AUTH_TOKEN = "certify-shared-token";
    private static final String ADMIN_TOKEN = "certify-admin-token-0123456789abcdef";
    private static final Pattern CERTIFIED = Pattern.compile("certified .* with profile eventsync in (\\d+\\.\\d) s: CERTIFIED");
    private static final Pattern PREFIX = Pattern.compile("stores created: (certify-[a-z0-9]{8})-\\*");

    private record Run(int exit, String out, String err) {
    }

    private static Run certify(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("certify"));
        all.addAll(List.of(args));
        int exit = EventsyncCommand.run(all.toArray(String[]::new), Map.of(), new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void theEventsyncProfilePassesOverWebSocketAndHttpWithAuthAndLeavesNoStoreBehind(@TempDir Path dir) throws Exception {
        ServerConfig config = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"))
                .withAuthToken(AUTH_TOKEN).withHttp(HttpOptions.defaults().withAdminToken(ADMIN_TOKEN));
        try (EventsyncServer server = Eventsync.builder().config(config).build().start()) {
            double[] seconds = new double[2];
            int i = 0;
            for (String transport : List.of("ws", "http")) {
                Path report = dir.resolve(transport + ".txt");
                Run run = certify("--url", "ws://127.0.0.1:" + server.port(), "--transport", transport, "--profile",
                        "eventsync", "--tries", "5", "--auth-token", AUTH_TOKEN, "--admin-token", ADMIN_TOKEN,
                        "--report", report.toString());
                // System.out, not the logger: certify sets the root log level to WARN in this JVM
                System.out.printf("certify --transport %s --profile eventsync against our own server:%n%s%s%n", transport, run.out(), run.err());
                String output = run.out() + run.err();
                assertThat(run.exit()).as(output).isZero();
                assertThat(run.out()).as(output).contains("passed, 0 failed");
                Matcher certified = CERTIFIED.matcher(run.out());
                assertThat(certified.find()).as(output).isTrue();
                seconds[i++] = Double.parseDouble(certified.group(1));
                String text = Files.readString(report);
                assertThat(text).as("the report of the %s run", transport)
                        .containsPattern("P-AUTH-01 +required +livestore +PASSED")
                        .containsPattern("P-RESET-01 +required +eventsync +PASSED")
                        .containsPattern("P-PUSH-03 +required +eventsync +PASSED")
                        .doesNotContainPattern("required +[a-z]+ +FAILED");
                Matcher prefix = PREFIX.matcher(run.out());
                assertThat(prefix.find()).as(output).isTrue();
                assertThat(run.out()).containsPattern("deleted the [1-9]\\d* stores the run created \\(prefix " + prefix.group(1) + "-\\)");
                assertThat(storesOn(server.port())).as("stores left after the %s run", transport)
                        .noneMatch(id -> id.startsWith(prefix.group(1)));
            }
            System.out.printf("certify --profile eventsync against our own server: WebSocket %.1f s, HTTP %.1f s%n", seconds[0], seconds[1]);
            // HTTP pulls poll every 50 ms: the HTTP run stays within twice the WebSocket run (plus 10 s of noise on a
            // loaded machine, where a 30 s run varies by seconds)
            assertThat(seconds[1]).as("HTTP run time vs WebSocket run time %s s", seconds[0]).isLessThanOrEqualTo(2 * seconds[0] + 10);
        }
    }

    /** The ids of every store on the server, from the admin API. */
    private static List<String> storesOn(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/admin/api/stores"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        for (JsonNode store : new ObjectMapper().readTree(response.body()).path("stores")) {
            ids.add(store.path("storeId").asText());
        }
        return ids;
    }
}
