package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certifies LiveStore's own server: {@code @livestore/sync-cf} 0.4.0's Durable Object and worker, run locally by
 * {@code wrangler dev --local} on 127.0.0.1 (interop/reference-server), with {@code certify --profile livestore}
 * over the WebSocket transport (and over HTTP with {@code -Deventsync.referenceHttp=true}), with the worker requiring
 * a token ({@code AUTH_TOKEN}, or {@code scoped:<storeId>} for one store) so that P-AUTH-01 and P-AUTH-02 run and
 * must pass. Every rule of the profile must pass or be a documented deviation of sync-cf 0.4.0
 * ({@link #DOCUMENTED_DEVIATIONS}); the run's output, its duration included, goes
 * to the build log. Needs {@code node} and {@code npm ci --prefix interop}; without them the test is skipped, or
 * fails when the environment variable {@code CI} is set; {@code -DskipInterop} skips it. Runs once per build
 * (wrangler takes seconds to start), from a copy of the worker in a temporary folder.
 */
class SyncCfReferenceCertificationTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static final String AUTH_TOKEN = "reference-auth-token";
    private static final java.util.regex.Pattern FAILED_RULE = java.util.regex.Pattern.compile("^\\[\\s*\\d+/\\d+] FAIL\\s+(\\S+)");

    /**
     * The rules of profile livestore that sync-cf 0.4.0 is documented to break: P-HIST-01, because sync-cf sends the
     * batches of later pushes to every pull request of a socket, non-live ones included, so a non-live pull that
     * overlaps another client's push can see events beyond its NoMore page, twice (READER_NOT_PREFIX; replayed with
     * raw frames by interop/reference-server/replay-deviations.mjs). It fails only when the random history makes a
     * non-live pull overlap a push, so it may pass. Over HTTP (run on request, {@code -Deventsync.referenceHttp=true})
     * P-HIST-01 also fails because sync-cf acks two concurrent pushes on the same parent (LOG_NOT_CHAINED; replayed
     * with raw HTTP requests by replay-deviations.mjs).
     */
    private static final List<String> DOCUMENTED_DEVIATIONS = List.of("P-HIST-01");

    @Test
    void liveStoresSyncCfServerPassesTheLivestoreProfile(@TempDir Path state) throws Exception {
        if (Boolean.getBoolean("eventsync.skipInterop")) {
            Assumptions.abort("skipped: the build was run with -DskipInterop");
        }
        Path interop = findInteropDir();
        Path wrangler = interop.resolve("node_modules").resolve("wrangler").resolve("bin").resolve("wrangler.js");
        Path syncCf = interop.resolve("node_modules").resolve("@livestore").resolve("sync-cf");
        if (!Files.isRegularFile(wrangler) || !Files.isDirectory(syncCf) || !nodeRuns()) {
            String message = "the sync-cf reference server needs node and `npm ci --prefix interop` (wrangler and "
                    + "@livestore/sync-cf under interop/node_modules)";
            if (System.getenv("CI") != null) {
                fail("CI is set, so this is a failure: " + message);
            }
            Assumptions.abort(message);
        }
        // wrangler writes its work folder (.wrangler/) next to wrangler.toml: run a copy, never the source folder
        Path worker = Files.createDirectories(state.resolve("worker"));
        for (String file : List.of("worker.mjs", "wrangler.toml")) {
            Files.copy(interop.resolve("reference-server").resolve(file), worker.resolve(file));
        }
        Files.createSymbolicLink(worker.resolve("node_modules"), interop.resolve("node_modules").toAbsolutePath());
        int port = freePort();
        Path log = state.resolve("wrangler.log");
        ProcessBuilder builder = new ProcessBuilder("node", wrangler.toString(), "dev", "--local", "--ip", "127.0.0.1",
                "--port", Integer.toString(port), "--inspector-port", Integer.toString(freePort()),
                "--persist-to", state.resolve("state").toString(), "--show-interactive-dev-session=false",
                // worker.mjs then refuses every sync request whose payload lacks this token (or scoped:<storeId>)
                "--var", "AUTH_TOKEN:" + AUTH_TOKEN)
                .directory(worker.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CLOUDFLARE_CF_FETCH_ENABLED", "false");
        builder.environment().put("WRANGLER_SEND_METRICS", "false");
        builder.environment().put("CI", "true"); // no interactive prompts
        Process process = builder.start();
        try {
            awaitListening(process, port, log);
            certify(port, "ws", state);
            if (Boolean.getBoolean("eventsync.referenceHttp")) {
                // on request only: over HTTP the run takes about 8 minutes (docs/tck.md)
                certify(port, "http", state);
            }
        } finally {
            stop(process);
        }
    }

    /** certify --profile livestore over {@code transport}, with the worker's credentials; checks the outcome. */
    private static void certify(int port, String transport, Path state) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path report = state.resolve("report-" + transport + ".txt");
        int exit = EventsyncCommand.run(new String[] {"certify", "--url", "ws://127.0.0.1:" + port, "--transport", transport,
                "--profile", "livestore", "--timeout", "180", "--tries", "20", "--auth-token", AUTH_TOKEN,
                "--scoped-auth-token", "scoped:{storeId}", "--report", report.toString()}, Map.of(),
                new PrintWriter(out, true), new PrintWriter(err, true));
        // System.out, not the logger: certify sets the root log level to WARN in this JVM
        System.out.printf("certify --transport %s --profile livestore against sync-cf 0.4.0 (wrangler dev --local):%n%s%s%n",
                transport, out, err);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).as("certify's output:%n%s%s", out, err)
                .anySatisfy(l -> assertThat(l).matches("certified .* with profile livestore in \\d+\\.\\d s: (NOT )?CERTIFIED"));
        List<String> failed = lines.stream().map(FAILED_RULE::matcher).filter(java.util.regex.Matcher::find)
                .map(m -> m.group(1)).toList();
        assertThat(failed).as("rules sync-cf 0.4.0 failed over %s that are not documented deviations (docs/tck.md, \"What "
                + "the kit found in the reference server\"); output:%n%s%s", transport, out, err).isSubsetOf(DOCUMENTED_DEVIATIONS);
        assertThat(exit).as("certify's exit code; output:%n%s%s", out, err).isEqualTo(failed.isEmpty() ? 0 : 1);
        // the authentication rules ran against the worker's validatePayload, and passed
        assertThat(Files.readString(report)).as("the report of the %s run", transport)
                .containsPattern("P-AUTH-01 +required +livestore +PASSED").containsPattern("P-AUTH-02 +required +[a-z]+ +PASSED");
    }

    private static void awaitListening(Process process, int port, Path log) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("wrangler dev ended with " + process.exitValue() + ":\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            if (Files.readString(log, StandardCharsets.UTF_8).contains("Ready on")) {
                try (Socket ignored = new Socket("127.0.0.1", port)) {
                    return;
                } catch (IOException notYet) {
                    // listening is announced a moment before the port accepts
                }
            }
            Thread.sleep(200);
        }
        fail("wrangler dev did not listen on 127.0.0.1:" + port + " within " + START_TIMEOUT + ":\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** Stops wrangler and the workerd processes it started. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        tree.forEach(ProcessHandle::destroy);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static boolean nodeRuns() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path findInteropDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("interop").resolve("package.json"))) {
                return d.resolve("interop");
            }
        }
        throw new IllegalStateException("no interop/package.json in " + Path.of("").toAbsolutePath() + " or above");
    }
}
