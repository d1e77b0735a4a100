package dev.eventsync.server.cli;

import dev.eventsync.server.ConfigurationException;
import dev.eventsync.tck.KitSettings;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine;

/**
 * {@code eventsync certify --url ws://host:port/}: runs the protocol compatibility kit over the wire
 * against any running LiveStore-compatible server, shows progress, prints a verdict per rule and exits
 * 0 when every required rule passed, 1 otherwise.
 */
@CommandLine.Command(name = "certify", mixinStandardHelpOptions = true,
        description = "Certifies a running sync server against the protocol compatibility kit.")
final class CertifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--url", required = true, description = "The server: ws://host:port/ (or http:// for the HTTP transport).")
    URI url;

    @CommandLine.Option(names = "--seed", description = "Replays the run with this seed (printed by every run).")
    Long seed;

    @CommandLine.Option(names = "--tries", description = "Tries per property rule.")
    Integer tries;

    @CommandLine.Option(names = "--auth-token", description = "Sent as the sync payload's authToken.")
    String authToken;

    @CommandLine.Option(names = "--transport", defaultValue = "WEBSOCKET", description = "WEBSOCKET or HTTP (default: ${DEFAULT-VALUE}).")
    String transport;

    @Override
    public Integer call() throws Exception {
        ServeCommand.setLogLevel("WARN");
        PrintWriter out = spec.commandLine().getOut();
        Optional<String> payload = Optional.ofNullable(authToken)
                .map(t -> "{\"authToken\":" + dev.eventsync.api.json.ProtocolJson.write(t) + "}");
        checkReachable(payload);
        System.setProperty(RemoteCertification.URL_PROPERTY, url.toString());
        payload.ifPresent(p -> System.setProperty(RemoteCertification.PAYLOAD_PROPERTY, p));
        System.setProperty(RemoteCertification.TRANSPORT_PROPERTY, transport.toUpperCase(java.util.Locale.ROOT));
        if (seed != null) {
            System.setProperty(KitSettings.SEED_PROPERTY, Long.toString(seed));
        }
        if (tries != null) {
            System.setProperty(KitSettings.TRIES_PROPERTY, Integer.toString(tries));
        }
        out.printf("certifying %s (%s)%n", url, seed == null ? "random seeds, printed with any failure" : "seed " + seed);
        out.flush();
        Progress progress = new Progress(out);
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(RemoteCertification.class))
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .build();
        Launcher launcher = LauncherFactory.create();
        Vertx vertx = Vertx.vertx();
        RemoteCertification.useVertx(vertx);
        try {
            launcher.execute(request, progress);
        } finally {
            RemoteCertification.useVertx(null);
            vertx.close().await();
        }
        out.printf("%n%d passed, %d failed, %d skipped%n", progress.passed.get(), progress.failed.get(),
                progress.skipped.get());
        if (progress.failed.get() > 0) {
            out.printf("replay a failure with: eventsync certify --url %s --seed <the seed in its message>%n", url);
        }
        out.flush();
        return progress.failed.get() == 0 && progress.passed.get() > 0 ? 0 : 1;
    }

    private void checkReachable(Optional<String> payload) {
        try (var client = RemoteCertification.probe(url, payload)) {
            client.ping().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ConfigurationException("cannot reach a sync server at " + url + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + "; is it running, and is the URL right (ws://host:port)?");
        }
    }

    /** Prints one line per rule as it finishes. */
    private static final class Progress implements TestExecutionListener {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        private final PrintWriter out;
        private final Map<String, Long> started = new ConcurrentHashMap<>();

        Progress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void executionStarted(TestIdentifier test) {
            if (test.isTest()) {
                started.put(test.getUniqueId(), System.nanoTime());
            }
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                skipped.incrementAndGet();
                out.printf("  SKIP  %s: %s%n", test.getDisplayName(), reason);
                out.flush();
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest()) {
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failed.incrementAndGet();
                    out.printf("  FAIL  %s: %s%n", test.getDisplayName(), result.getThrowable().map(Throwable::getMessage).orElse(""));
                }
                return;
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime()));
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    passed.incrementAndGet();
                    out.printf("  PASS  %s (%d ms)%n", test.getDisplayName(), millis);
                }
                case ABORTED -> {
                    skipped.incrementAndGet();
                    out.printf("  SKIP  %s: %s%n", test.getDisplayName(),
                            result.getThrowable().map(Throwable::getMessage).orElse("not supported"));
                }
                case FAILED -> {
                    failed.incrementAndGet();
                    out.printf("  FAIL  %s%n%s%n", test.getDisplayName(),
                            result.getThrowable().map(Throwable::getMessage).orElse("").indent(8));
                }
            }
            out.flush();
        }
    }
}
