package dev.eventsync.vertx.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.storage.StoreInfo;
import dev.eventsync.spi.transport.AuthResult;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.vertx.DevServer;
import dev.eventsync.vertx.VertxSettings;
import dev.eventsync.vertx.VertxSyncServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real LiveStore 0.4.0 clients (the npm packages, in Node processes) sync through the Eventsync Vert.x server.
 *
 * <p>Each scenario is a script in {@code interop/scenarios/} that starts its own LiveStore client processes,
 * asserts on their {@code todos} tables and exits 0 only if they are right. This test gives every scenario run
 * its own {@link DevServer} ({@link VertxSyncServer} over {@link SyncEngine} and {@link InMemoryEventStore} on an
 * ephemeral port of 127.0.0.1) and its own store, runs two scenarios at a time, fails with the script's full output
 * when one fails, and then checks the store's head on the server. A script asks for server-side actions over its
 * stdin/stdout ({@code @@eventsync-control {"op":...}} lines): {@code resetStore} ({@link SyncEngine#resetStore})
 * and {@code restartServer} (the transport stops, closing every socket, and starts again on the same port).
 * Scenario 6 runs on a server whose {@link Authenticator} checks a token in the LiveStore sync payload.
 *
 * <p>Needs {@code node} (20 or newer) and {@code interop/node_modules}, which the build installs before the tests
 * ({@code interop/prepare.sh}). Without them the test reports one skipped test, unless the environment variable
 * {@code CI} is set: then it fails. {@code mvn -DskipInterop} skips it explicitly, CI or not.
 */
class LiveStoreInteropTest {

    private static final Logger LOG = LoggerFactory.getLogger(LiveStoreInteropTest.class);
    private static final String CONTROL_PREFIX = "@@eventsync-control ";
    private static final Duration SCENARIO_TIMEOUT = Duration.ofSeconds(150);
    private static final int PARALLEL_SCENARIOS = 2;

    /**
     * A free port, and the per-store head gauge (off by default) that the scripts' waitServerHead reads on
     * GET /metrics; without it they fall back to a slower observer client.
     */
    private static final VertxSettings INTEROP_SETTINGS = VertxSettings.defaults().withPort(0)
            .withStoreHeadMetrics(true);

    /** The token the authenticating server (scenario 6) expects in the sync payload; the script uses the same. */
    private static final String AUTH_TOKEN = "interop s3cr3t&x=1+2%\u00fc";

    /**
     * One run of a script; {@code expectedHead} is the head its store must end with on the server, and
     * {@code authenticated} runs it on a server whose Authenticator checks the sync payload's token.
     */
    private record Scenario(String script, String transport, long expectedHead, boolean authenticated,
                            String description) {

        Scenario(String script, String transport, long expectedHead, String description) {
            this(script, transport, expectedHead, false, description);
        }

        String name() {
            return script.replace(".mjs", "") + " (" + transport + ")";
        }
    }

    private record Outcome(int exitCode, String output, Optional<StoreInfo> storeOnServer) {
    }

    private static final List<Scenario> SCENARIOS = List.of(
            new Scenario("01-two-clients-converge.mjs", "ws", 17, "two clients converge"),
            new Scenario("01-two-clients-converge.mjs", "http", 17, "two clients converge"),
            new Scenario("02-stale-client-rebases.mjs", "ws", 14, "a stale client rebases after ServerAhead"),
            new Scenario("03-paging.mjs", "ws", 250, "more than 100 events page correctly"),
            new Scenario("03-paging.mjs", "http", 250, "more than 100 events page correctly"),
            new Scenario("04-resume-after-reconnect.mjs", "ws", 17,
                    "a client resumes from its cursor after a dropped connection, a server restart, its own restart"),
            new Scenario("04-resume-after-reconnect.mjs", "http", 15,
                    "a client resumes from its cursor after a restart"),
            new Scenario("05-backend-reset-detected.mjs", "ws", 2, "a reset store (new backendId) is detected"),
            new Scenario("05-backend-reset-detected.mjs", "http", 2, "a reset store (new backendId) is detected"),
            new Scenario("06-sync-payload-auth.mjs", "ws", 3, true, "the sync payload reaches the Authenticator"),
            new Scenario("06-sync-payload-auth.mjs", "http", 3, true, "the sync payload reaches the Authenticator"));

    private static final AtomicInteger STORE_COUNTER = new AtomicInteger();

    private static Path interopDir;
    private static String node;
    private static ExecutorService runner;
    /** Why the scenarios cannot run here (outside CI only; under CI that is a failure). */
    private static Optional<String> skipReason = Optional.empty();

    @BeforeAll
    static void checkPrerequisites() {
        interopDir = findInteropDir();
        node = System.getProperty("eventsync.interop.node", "node");
        skipReason = missingPrerequisites();
        if (skipReason.isEmpty()) {
            runner = Executors.newFixedThreadPool(PARALLEL_SCENARIOS, r -> {
                Thread t = new Thread(r, "interop-scenario");
                t.setDaemon(true);
                return t;
            });
        }
    }

    @AfterAll
    static void stopRunner() {
        if (runner != null) {
            runner.shutdownNow();
        }
    }

    /** Starts every scenario at once (at most two run at a time) and reports each as its own test. */
    @TestFactory
    Stream<DynamicTest> liveStoreClientsSyncThroughEventsync() {
        if (skipReason.isPresent()) {
            String reason = skipReason.get();
            return Stream.of(DynamicTest.dynamicTest("LiveStore interop scenarios", () -> Assumptions.abort(reason)));
        }
        List<Scenario> selected = selectedScenarios();
        Map<Scenario, CompletableFuture<Outcome>> runs = new LinkedHashMap<>();
        for (Scenario scenario : selected) {
            String storeId = "interop-" + scenario.script().substring(0, 2) + "-" + scenario.transport() + "-"
                    + STORE_COUNTER.incrementAndGet() + "-" + Long.toHexString(System.nanoTime());
            runs.put(scenario, CompletableFuture.supplyAsync(() -> runOnOwnServer(scenario, storeId), runner));
        }
        return selected.stream().map(scenario -> DynamicTest.dynamicTest(
                scenario.description() + " [" + scenario.name() + "]", () -> {
                    Outcome outcome = runs.get(scenario).get(SCENARIO_TIMEOUT.toSeconds() * SCENARIOS.size(),
                            TimeUnit.SECONDS);
                    if (outcome.exitCode() != 0) {
                        fail("interop scenario " + scenario.name() + " failed (exit code " + outcome.exitCode()
                                + "); its output:\n" + outcome.output());
                    }
                    assertThat(outcome.output()).as("output of %s", scenario.name()).contains("PASS ");
                    assertThat(outcome.storeOnServer()).as("the scenario's store on the server").isPresent();
                    assertThat(outcome.storeOnServer().get().head())
                            .as("head of the store of %s on the server", scenario.name())
                            .isEqualTo(scenario.expectedHead());
                }));
    }

    /**
     * All scenarios, or those whose script name starts with one of the comma-separated prefixes in the system
     * property {@code eventsync.interop.scenarios} (for example {@code -Deventsync.interop.scenarios=03,05}).
     */
    private static List<Scenario> selectedScenarios() {
        String filter = System.getProperty("eventsync.interop.scenarios", "").trim();
        if (filter.isEmpty()) {
            return SCENARIOS;
        }
        List<String> prefixes = List.of(filter.split("\\s*,\\s*"));
        List<Scenario> selected = SCENARIOS.stream()
                .filter(s -> prefixes.stream().anyMatch(p -> s.script().startsWith(p)))
                .toList();
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("eventsync.interop.scenarios=" + filter + " selects no scenario");
        }
        return selected;
    }

    /** Runs one scenario against a server of its own, and reads its store's state before the server stops. */
    private static Outcome runOnOwnServer(Scenario scenario, String storeId) {
        try (ScenarioServer server = scenario.authenticated()
                ? AuthenticatingServer.start()
                : new Dev(DevServer.start(INTEROP_SETTINGS))) {
            Outcome outcome = run(scenario, storeId, server);
            Optional<StoreInfo> info = server.engine().stores().toCompletableFuture().get(10, TimeUnit.SECONDS)
                    .stream()
                    .filter(s -> s.storeId().value().equals(storeId))
                    .findFirst();
            return new Outcome(outcome.exitCode(), outcome.output(), info);
        } catch (Exception e) {
            return new Outcome(-1, "the scenario's server failed: " + e, Optional.empty());
        }
    }

    private static Outcome run(Scenario scenario, String storeId, ScenarioServer server) {
        List<String> command = List.of(node, interopDir.resolve("scenarios").resolve(scenario.script()).toString(),
                "--url", "http://127.0.0.1:" + server.port(), "--store-id", storeId,
                "--transport", scenario.transport(),
                "--timeout-ms", Long.toString(SCENARIO_TIMEOUT.minusSeconds(10).toMillis()), "--control", "stdio");
        StringBuilder output = new StringBuilder();
        Process process;
        try {
            process = new ProcessBuilder(command).directory(interopDir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Outcome(-1, "could not start " + command + ": " + e, Optional.empty());
        }
        LOG.info("interop: started {} on store {} (server port {})", scenario.name(), storeId, server.port());
        Thread reader = new Thread(() -> pump(process, storeId, server, output), "interop-output-" + storeId);
        reader.setDaemon(true);
        reader.start();
        try {
            if (!process.waitFor(SCENARIO_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                reader.join(5000);
                return new Outcome(-1, text(output) + "\n[killed: no exit within " + SCENARIO_TIMEOUT + "]",
                        Optional.empty());
            }
            reader.join(10000);
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Outcome(-1, text(output) + "\n[interrupted]", Optional.empty());
        }
        LOG.info("interop: {} exited with {}", scenario.name(), process.exitValue());
        return new Outcome(process.exitValue(), text(output), Optional.empty());
    }

    private static String text(StringBuilder output) {
        synchronized (output) {
            return output.toString();
        }
    }

    /** Copies the script's output and answers its control requests (server-side actions) on its stdin. */
    private static void pump(Process process, String storeId, ScenarioServer server, StringBuilder output) {
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             OutputStream stdin = process.getOutputStream()) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (output) {
                    output.append(line).append('\n');
                }
                LOG.debug("[{}] {}", storeId, line);
                if (line.startsWith(CONTROL_PREFIX)) {
                    String reply = control(line.substring(CONTROL_PREFIX.length()), storeId, server);
                    stdin.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
                    stdin.flush();
                }
            }
        } catch (IOException e) {
            synchronized (output) {
                output.append("[reading the scenario's output failed: ").append(e).append("]\n");
            }
        }
    }

    /** Carries out one control request; a scenario may only act on its own store and server. */
    private static String control(String requestJson, String storeId, ScenarioServer server) {
        Map<String, Object> reply = new LinkedHashMap<>();
        try {
            JsonNode request = ProtocolJson.readTree(requestJson);
            String op = request.path("op").asText();
            String target = request.path("storeId").asText();
            if (!storeId.equals(target)) {
                throw new IllegalArgumentException("a scenario may only control its own store " + storeId
                        + ", not " + target);
            }
            switch (op) {
                case "resetStore" -> {
                    String backendId = server.resetStore(StoreId.of(target));
                    LOG.info("interop: reset store {} for the scenario; new backendId {}", target, backendId);
                    reply.put("backendId", backendId);
                }
                case "restartServer" -> {
                    server.restart();
                    LOG.info("interop: restarted the transport on port {} for store {}", server.port(), target);
                    reply.put("port", server.port());
                }
                default -> throw new IllegalArgumentException(
                        "unknown control op '" + op + "' (known: resetStore, restartServer)");
            }
            reply.put("ok", true);
        } catch (Exception e) {
            reply.clear();
            reply.put("ok", false);
            reply.put("error", e.toString());
        }
        return ProtocolJson.write(reply);
    }

    /** The server one scenario runs against, with the server-side actions a script may ask for. */
    private interface ScenarioServer extends AutoCloseable {
        int port();

        SyncEngine engine();

        String resetStore(StoreId storeId) throws Exception;

        void restart() throws Exception;
    }

    /** The vertx branch's {@link DevServer}: the Vert.x transport over an in-memory engine, no authentication. */
    private record Dev(DevServer server) implements ScenarioServer {
        @Override
        public int port() {
            return server.port();
        }

        @Override
        public SyncEngine engine() {
            return server.engine();
        }

        @Override
        public String resetStore(StoreId storeId) throws Exception {
            return server.resetStore(storeId);
        }

        @Override
        public void restart() throws Exception {
            server.restart();
        }

        @Override
        public void close() throws Exception {
            server.close();
        }
    }

    /**
     * The Vert.x transport over an in-memory engine whose {@link Authenticator} allows a call only when the sync
     * payload is a JSON object whose {@code authToken} is {@link #AUTH_TOKEN}.
     */
    private record AuthenticatingServer(InMemoryEventStore store, SyncEngine engine, VertxSyncServer server, int port)
            implements ScenarioServer {

        static AuthenticatingServer start() throws Exception {
            InMemoryEventStore store = new InMemoryEventStore();
            SyncEngine engine = SyncEngine.builder(store).authenticator(AuthenticatingServer::checkToken).build();
            VertxSyncServer server = VertxSyncServer.builder(engine).settings(INTEROP_SETTINGS).build();
            int port = server.start().toCompletableFuture().get(20, TimeUnit.SECONDS);
            return new AuthenticatingServer(store, engine, server, port);
        }

        private static AuthResult checkToken(CallContext context) {
            if (context.payload().isEmpty()) {
                return AuthResult.deny("no sync payload; send {\"authToken\": ...}");
            }
            try {
                JsonNode payload = ProtocolJson.readTree(context.payload().get());
                return AUTH_TOKEN.equals(payload.path("authToken").asText(null))
                        ? AuthResult.allow(payload.path("user").asText("unknown"))
                        : AuthResult.deny("wrong authToken");
            } catch (IOException e) {
                return AuthResult.deny("the sync payload is not JSON: " + e.getMessage());
            }
        }

        @Override
        public String resetStore(StoreId storeId) throws Exception {
            return engine.resetStore(storeId).toCompletableFuture().get(20, TimeUnit.SECONDS);
        }

        @Override
        public void restart() {
            throw new UnsupportedOperationException("the authenticating server does not restart");
        }

        @Override
        public void close() throws Exception {
            try {
                server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS);
            } finally {
                engine.close();
                store.close();
            }
        }
    }

    private static Path findInteropDir() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("interop").resolve("package.json"))) {
                return d.resolve("interop");
            }
        }
        throw new IllegalStateException("no interop/package.json in " + dir + " or above");
    }

    /** Node and the npm packages are prerequisites: their absence fails under CI and skips elsewhere. */
    private static Optional<String> missingPrerequisites() {
        if (Boolean.getBoolean("eventsync.skipInterop")) {
            // asked for explicitly (mvn -DskipInterop), so a skip even under CI
            LOG.warn("LiveStoreInteropTest SKIPPED: the build was run with -DskipInterop");
            return Optional.of("skipped: the build was run with -DskipInterop");
        }
        List<String> missing = new ArrayList<>();
        if (!Files.isDirectory(interopDir.resolve("node_modules").resolve("@livestore").resolve("livestore"))) {
            missing.add(interopDir.resolve("node_modules") + " has no @livestore/livestore");
        }
        nodeVersion().ifPresentOrElse(version -> {
            if (majorVersion(version) < 20) {
                missing.add("node " + version + " is too old (LiveStore 0.4.0 needs 20 or newer)");
            }
        }, () -> missing.add("'" + node + "' could not be run"));
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        String message = "the LiveStore interop scenarios need node and the npm packages: " + String.join("; ", missing)
                + ". Run `npm ci --prefix interop` (Node 20+) to enable them.";
        if (System.getenv("CI") != null) {
            fail("CI is set, so this is a failure: " + message);
        }
        LOG.warn("LiveStoreInteropTest SKIPPED: {}", message);
        return Optional.of("skipped: " + message);
    }

    private static Optional<String> nodeVersion() {
        try {
            Process p = new ProcessBuilder(node, "--version").redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return Optional.empty();
            }
            return Optional.of(text);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static int majorVersion(String version) {
        String digits = version.startsWith("v") ? version.substring(1) : version;
        int dot = digits.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
