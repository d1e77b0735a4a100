package dev.eventsync.server.cli;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.server.ConfigurationException;
import dev.eventsync.tck.KitSettings;
import dev.eventsync.tck.Rule;
import dev.eventsync.vertx.VertxClientSettings;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine;

/**
 * {@code eventsync certify --url ws://host:port/}: runs the protocol compatibility kit over the wire against
 * any running LiveStore-compatible server, prints a progress line per rule ({@code [n/N] PASS P-LS-04 0.1 s}),
 * a verdict, how long the run took, the prefix of the stores it created (deleted through the admin API when
 * {@code --admin-token} is given, else with a cleanup hint), and the report file. Exits 0 when every required
 * rule of the profile passed, 1 otherwise, 2 on a usage error.
 */
@CommandLine.Command(name = "certify", mixinStandardHelpOptions = true,
        description = "Certifies a running sync server against the protocol compatibility kit.")
final class CertifyCommand implements Callable<Integer> {

    private static final String RUN_ID_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code --url} (required here), {@code --admin-token}, {@code --ca-cert}. */
    @CommandLine.Mixin
    ClientOptions client = new ClientOptions();

    URI url;

    @CommandLine.Option(names = "--transport", defaultValue = "ws",
            description = "ws (websocket) or http, any case (default: ${DEFAULT-VALUE}).")
    String transport;

    @CommandLine.Option(names = "--profile", defaultValue = "eventsync",
            description = "livestore (what LiveStore's sync-cf 0.4.0 promises) or eventsync (all rules; default: ${DEFAULT-VALUE}).")
    String profile;

    @CommandLine.Option(names = "--thorough", description = "The thorough tier: 70 s idles and five times the tries.")
    boolean thorough;

    @CommandLine.Option(names = "--seed", description = "Replays the run with this seed (printed by every run).")
    Long seed;

    @CommandLine.Option(names = "--tries", description = "Tries per property rule.")
    Integer tries;

    @CommandLine.Option(names = "--auth-token", description = "Sent as the sync payload's authToken; enables the P-AUTH rules.")
    String authToken;

    @CommandLine.Option(names = "--scoped-auth-token", paramLabel = "TEMPLATE",
            description = "A credential for one store, {storeId} replaced by the store's id (enables P-AUTH-02).")
    String scopedAuthToken;

    @CommandLine.Option(names = "--max-push-events", description = "The push limit the server enforces, in events (with --max-push-bytes: enables P-LIMIT-01, P-ORDER-02).")
    Integer maxPushEvents;

    @CommandLine.Option(names = "--max-push-bytes", description = "The push limit the server enforces, in encoded bytes.")
    Long maxPushBytes;

    @CommandLine.Option(names = "--timeout", defaultValue = "20", paramLabel = "SECONDS",
            description = "How long the kit waits for an answer or a delivery (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @CommandLine.Option(names = "--rules", split = ",", paramLabel = "ID",
            description = "Runs only these rules (ids such as P-AUTH-01, comma-separated), for example to replay a failure.")
    List<String> rules;

    @CommandLine.Option(names = "--report", paramLabel = "FILE", description = "Writes the per-rule report to FILE (default: a temporary file, named at the end).")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (client.url == null) {
            throw new ConfigurationException("Missing required option: '--url=URL' (the server: ws://host:port/; "
                    + "see 'eventsync certify --help')");
        }
        url = client.url;
        ClientOptions.sslContext(client.caCertificates()); // a bad --ca-cert is one line now, not a TLS failure later
        VertxClientSettings.Transport wire = transportOf(transport);
        Rule.Profile certified = profileOf(profile);
        Optional<SyncLimits> declared = declaredLimits();
        List<org.junit.platform.engine.DiscoverySelector> selectors = selectors();
        if (timeoutSeconds < 1) {
            throw new ConfigurationException("--timeout must be at least 1 second, got " + timeoutSeconds);
        }
        ServeCommand.setLogLevel("WARN");
        // the kit opens and drops thousands of connections on purpose: Vert.x's pool notes on each evicted one are noise
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.vertx.core.http.impl"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        PrintWriter out = spec.commandLine().getOut();
        client.checkTls(url);
        checkReachable(wire);
        String runId = runId();
        Path reportDir = Files.createTempDirectory("eventsync-certify-" + runId + "-");
        System.setProperty(KitSettings.PROFILE_PROPERTY, certified.label());
        System.setProperty(KitSettings.TIER_PROPERTY, thorough ? "thorough" : "fast");
        System.setProperty(KitSettings.REPORT_DIR_PROPERTY, reportDir.toString());
        // every run sets or clears each setting: a run never inherits the seed or tries of an earlier one in this JVM
        setOrClear(KitSettings.SEED_PROPERTY, seed);
        setOrClear(KitSettings.TRIES_PROPERTY, tries);
        String prefix = "certify-" + runId;
        out.printf("certifying %s over %s, profile %s, %s tier (%s); stores created: %s-*%n", url,
                wire == VertxClientSettings.Transport.HTTP ? "HTTP" : "WebSocket", certified.label(),
                thorough ? "thorough" : "fast", seed == null ? "random seeds, printed with any failure" : "seed " + seed, prefix);
        out.flush();
        Optional<AdminApi> admin = Optional.ofNullable(client.adminToken)
                .map(token -> new AdminApi(url, token, client.caCertificates()));
        Vertx vertx = Vertx.vertx();
        RemoteCertification.Run run = new RemoteCertification.Run(url, wire, Optional.ofNullable(authToken),
                Optional.ofNullable(scopedAuthToken), declared, admin, prefix, java.time.Duration.ofSeconds(timeoutSeconds), vertx,
                client.caCertificates());
        Progress progress = new Progress(out);
        long started = System.nanoTime();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .build();
        Launcher launcher = LauncherFactory.create();
        RemoteCertification.use(run);
        try {
            launcher.execute(request, progress);
        } finally {
            RemoteCertification.use(null);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("%n%d passed, %d failed, %d skipped%n", progress.passed.get(), progress.failed.get(), progress.skipped.get());
        out.printf("certified %s with profile %s in %.1f s: %s%n", url, certified.label(), seconds,
                progress.failed.get() == 0 && progress.passed.get() > 0 ? "CERTIFIED" : "NOT CERTIFIED");
        if (progress.failed.get() > 0) {
            out.printf("replay a failure with: eventsync certify --url %s --transport %s --profile %s --seed <the seed in its message>%n",
                    url, transport, certified.label());
        }
        cleanUp(out, run, admin);
        out.printf("report: %s%n", writeReport(reportDir));
        out.flush();
        return progress.failed.get() == 0 && progress.passed.get() > 0 ? 0 : 1;
    }

    private static void setOrClear(String property, Object value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value.toString());
        }
    }

    static VertxClientSettings.Transport transportOf(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "ws", "websocket" -> VertxClientSettings.Transport.WEBSOCKET;
            case "http" -> VertxClientSettings.Transport.HTTP;
            default -> throw new ConfigurationException("--transport must be ws, websocket or http (any case), got '"
                    + value + "'");
        };
    }

    private static Rule.Profile profileOf(String value) {
        try {
            return Rule.Profile.parse(value);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("--profile must be livestore or eventsync, got '" + value + "'");
        }
    }

    /** The whole kit, or the methods of the rules named by {@code --rules} (an unknown id is a usage error). */
    private List<org.junit.platform.engine.DiscoverySelector> selectors() {
        if (rules == null || rules.isEmpty()) {
            return List.of(DiscoverySelectors.selectClass(RemoteCertification.class));
        }
        Map<String, String> methods = new java.util.HashMap<>();
        for (java.lang.reflect.Method method : RemoteCertification.class.getMethods()) {
            if (method.isAnnotationPresent(org.junit.jupiter.api.Test.class)) {
                Rule.ofMethodName(method.getName()).ifPresent(rule -> methods.put(rule.id(), method.getName()));
            }
        }
        List<org.junit.platform.engine.DiscoverySelector> selected = new java.util.ArrayList<>();
        for (String id : rules) {
            String method = methods.get(id.trim().toUpperCase(Locale.ROOT));
            if (method == null) {
                throw new ConfigurationException("--rules: no protocol rule '" + id.trim() + "' (see tck/SPEC.md for the ids)");
            }
            selected.add(DiscoverySelectors.selectMethod(RemoteCertification.class, method));
        }
        return selected;
    }

    private Optional<SyncLimits> declaredLimits() {
        if (maxPushEvents == null && maxPushBytes == null) {
            return Optional.empty();
        }
        if (maxPushEvents == null || maxPushBytes == null || maxPushEvents < 1 || maxPushBytes < 1) {
            throw new ConfigurationException("declare the server's push limits with both --max-push-events N and "
                    + "--max-push-bytes B (positive numbers)");
        }
        return Optional.of(SyncLimits.DEFAULTS.withMaxPushEvents(maxPushEvents).withMaxPushBytes(maxPushBytes));
    }

    private static String runId() {
        SecureRandom random = new SecureRandom();
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            id.append(RUN_ID_LETTERS.charAt(random.nextInt(RUN_ID_LETTERS.length())));
        }
        return id.toString();
    }

    /** Deletes the run's stores through the admin API when possible; says what is left otherwise. */
    private static void cleanUp(PrintWriter out, RemoteCertification.Run run, Optional<AdminApi> admin) {
        List<StoreId> stores = run.stores().stream().sorted().toList();
        int deleted = 0;
        if (admin.isPresent()) {
            for (StoreId store : stores) {
                try {
                    if (admin.get().delete(store)) {
                        deleted++;
                    }
                } catch (IllegalStateException e) {
                    out.printf("could not delete %s: %s%n", store, e.getMessage());
                }
            }
        }
        int left = stores.size() - deleted;
        if (left == 0) {
            out.printf("deleted the %d stores the run created (prefix %s-)%n", deleted, run.storePrefix());
            return;
        }
        out.printf("left %d stores on the server, every id starting with %s- (events the kit pushed);%n", left, run.storePrefix());
        if (admin.isPresent()) {
            out.printf("  the admin API did not delete them: check --admin-token and the server's admin API%n");
        } else {
            out.printf("  delete them on an Eventsync server with: eventsync certify ... --admin-token T (deletes at the end),%n"
                    + "  or: for id in $(eventsync stores --storage <its storage> | grep '^%s-' | cut -d' ' -f1); do"
                    + " curl -X DELETE -H \"Authorization: Bearer $ADMIN_TOKEN\" %s://%s/admin/api/store?storeId=$id; done%n",
                    run.storePrefix(), run.url().getScheme().startsWith("wss") || run.url().getScheme().equals("https")
                            ? "https" : "http", run.url().getRawAuthority());
        }
    }

    private Path writeReport(Path reportDir) throws IOException {
        Path written = reportDir.resolve(RemoteCertification.class.getSimpleName() + ".txt");
        if (report == null) {
            return written;
        }
        Path target = report.toAbsolutePath();
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        Files.move(written, target, StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(reportDir);
        return target;
    }

    private void checkReachable(VertxClientSettings.Transport wire) {
        try (var probe = RemoteCertification.probe(url, wire, Optional.ofNullable(authToken),
                client.caCertificates())) {
            probe.ping().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new ConfigurationException("cannot reach a sync server at " + url + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage())
                    + "; is it running, and is the URL right (ws://host:port)?");
        }
    }

    /** Prints one line per rule as it finishes: {@code [n/N] PASS  P-LS-04  0.1 s}. */
    private static final class Progress implements TestExecutionListener {
        final AtomicInteger passed = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger skipped = new AtomicInteger();
        private final AtomicInteger done = new AtomicInteger();
        private final PrintWriter out;
        private final Map<String, Long> started = new ConcurrentHashMap<>();
        private volatile long total;

        Progress(PrintWriter out) {
            this.out = out;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan plan) {
            total = plan.countTestIdentifiers(TestIdentifier::isTest);
        }

        @Override
        public void executionStarted(TestIdentifier test) {
            if (test.isTest()) {
                started.put(test.getUniqueId(), System.nanoTime());
            }
        }

        private String line(TestIdentifier test, String verdict) {
            String id = test.getSource().filter(MethodSource.class::isInstance)
                    .flatMap(s -> Rule.ofMethodName(((MethodSource) s).getMethodName())).map(Rule::id)
                    .orElse(test.getDisplayName());
            long nanos = System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime());
            return String.format("[%" + String.valueOf(total).length() + "d/%d] %-4s  %-12s %6.1f s", done.incrementAndGet(),
                    total, verdict, id, nanos / 1e9);
        }

        @Override
        public void executionSkipped(TestIdentifier test, String reason) {
            if (test.isTest()) {
                skipped.incrementAndGet();
                out.printf("%s  %s%n", line(test, "SKIP"), reason);
                out.flush();
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            if (!test.isTest()) {
                if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                    failed.incrementAndGet();
                    out.printf("FAIL  %s: %s%n", test.getDisplayName(), result.getThrowable().map(Throwable::getMessage).orElse(""));
                }
                return;
            }
            switch (result.getStatus()) {
                case SUCCESSFUL -> {
                    passed.incrementAndGet();
                    out.printf("%s%n", line(test, "PASS"));
                }
                case ABORTED -> {
                    skipped.incrementAndGet();
                    out.printf("%s  %s%n", line(test, "SKIP"), result.getThrowable().map(Throwable::getMessage)
                            .map(m -> m.replaceFirst("^Assumption failed: ", "")).orElse("not supported"));
                }
                case FAILED -> {
                    failed.incrementAndGet();
                    out.printf("%s%n%s%n", line(test, "FAIL"),
                            result.getThrowable().map(Throwable::getMessage).orElse("").indent(8));
                }
            }
            out.flush();
        }
    }
}
