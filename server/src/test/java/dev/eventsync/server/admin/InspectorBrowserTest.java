package dev.eventsync.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The web inspector in a real browser: {@code interop/inspector/inspector-browser.mjs} drives headless Chromium
 * (Debian's {@code chromium}, through {@code playwright-core}) against this server while a real LiveStore client
 * pushes; it sees the store appear, the tail grow live, and the store go when deleted; then it inspects, resets
 * (confirming, and seeing the new backendId) and deletes the store {@code ..}, an id no URL path can carry; a
 * reset refused in plain text (simulated in the page) is reported on the page. The server runs with
 * {@code --cors-origins} for another origin: the page's own requests are same-origin and never refused. The
 * screenshot it takes is
 * kept as {@code server/target/inspector.png}.
 *
 * <p>Needs node, {@code interop/node_modules} (the build installs it, see {@code interop/prepare.sh}) and
 * {@code /usr/bin/chromium} (or {@code EVENTSYNC_CHROMIUM}). Without them it is skipped with the reason, unless
 * the environment variable {@code CI} is set: then it fails. {@code -DskipInterop} skips it explicitly.
 */
class InspectorBrowserTest {

    private static final String TOKEN = "inspector-browser-test-token-42";
    private static final Path INTEROP = Path.of("..", "interop").toAbsolutePath().normalize();
    private static final Path SCREENSHOT = Path.of("target", "inspector.png").toAbsolutePath();

    @Test
    void theInspectorShowsAStoreItsLiveTailAndDeletesIt() throws Exception {
        requirePrerequisites();
        Files.deleteIfExists(SCREENSHOT);
        try (EventsyncServer server = Eventsync.builder().config(ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("memory")).withHttp(HttpOptions.defaults().withAdminToken(TOKEN)
                        // with CORS on for an app elsewhere: the page's own POST and DELETE (which carry Origin)
                        // are same-origin and never refused by it
                        .withCorsOrigins(List.of("https://app.example.com"))))
                .build().start()) {
            String storeId = "browser-" + Long.toHexString(System.nanoTime());
            // a store no URL path can name ('..'), for the page to inspect, reset and delete
            String awkward = "..";
            try (VertxSyncBackend client = VertxSyncBackend.create(VertxClientSettings.of(
                    URI.create("ws://127.0.0.1:" + server.port()), StoreId.of(awkward)))) {
                client.push(List.of(Event.of("todoCreated-v1", "{}", 1, 0, "java-client", "s1"),
                        Event.of("todoCreated-v1", "{}", 2, 1, "java-client", "s1")))
                        .toCompletableFuture().get(20, TimeUnit.SECONDS);
            }
            ProcessBuilder builder = new ProcessBuilder(List.of("node",
                    INTEROP.resolve("inspector").resolve("inspector-browser.mjs").toString(),
                    "--url", "http://127.0.0.1:" + server.port(), "--store-id", storeId, "--timeout-ms", "100000"))
                    .redirectErrorStream(true);
            builder.environment().put("EVENTSYNC_ADMIN_TOKEN", TOKEN);
            builder.environment().put("EVENTSYNC_AWKWARD_STORE_ID", awkward);
            builder.environment().put("EVENTSYNC_INSPECTOR_SCREENSHOT", SCREENSHOT.toString());
            chromium().ifPresent(path -> builder.environment().put("EVENTSYNC_CHROMIUM", path.toString()));
            Path log = Files.createTempFile("inspector-browser-", ".log");
            Process process = builder.redirectOutput(log.toFile()).start();
            boolean ended = process.waitFor(150, TimeUnit.SECONDS);
            if (!ended) {
                process.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(ended).as("the browser run ended within 150 s; its output:\n%s", output).isTrue();
            assertThat(process.exitValue()).as("the browser run's exit code; its output:\n%s", output).isZero();
            assertThat(output).contains("the store appeared", "the tail updated live", "the store left the list",
                    "store \"..\" inspected", "a failed reset is shown on the page",
                    "reset \"..\" through the page", "deleted \"..\" through the page",
                    "PASS web inspector");
            assertThat(server.engine().stores().toCompletableFuture().get(10, TimeUnit.SECONDS))
                    .as("both stores were deleted through the page").isEmpty();
            assertThat(SCREENSHOT).isRegularFile();
            assertThat(Files.size(SCREENSHOT)).as("screenshot bytes").isGreaterThan(10_000);
            byte[] png = Files.readAllBytes(SCREENSHOT);
            assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        }
    }

    private static java.util.Optional<Path> chromium() {
        String configured = System.getenv("EVENTSYNC_CHROMIUM");
        Path path = Path.of(configured != null ? configured : "/usr/bin/chromium");
        return Files.isExecutable(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
    }

    private static void requirePrerequisites() throws IOException, InterruptedException {
        if (Boolean.getBoolean("eventsync.skipInterop")) {
            Assumptions.abort("skipped: the build was run with -DskipInterop");
        }
        List<String> missing = new ArrayList<>();
        if (!Files.isDirectory(INTEROP.resolve("node_modules").resolve("playwright-core"))) {
            missing.add(INTEROP.resolve("node_modules") + " has no playwright-core (run `npm ci --prefix interop`)");
        }
        if (chromium().isEmpty()) {
            missing.add("no Chromium at /usr/bin/chromium (apt-get install chromium, or set EVENTSYNC_CHROMIUM)");
        }
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            node.getInputStream().readAllBytes();
            if (!node.waitFor(20, TimeUnit.SECONDS) || node.exitValue() != 0) {
                missing.add("`node --version` failed");
            }
        } catch (IOException e) {
            missing.add("node is not on the PATH (install Node.js 20+)");
        }
        if (missing.isEmpty()) {
            return;
        }
        String message = "the web inspector's browser test needs: " + String.join("; ", missing);
        if (System.getenv("CI") != null) {
            fail("CI is set, so this is a failure: " + message);
        }
        Assumptions.abort("skipped: " + message);
    }
}
