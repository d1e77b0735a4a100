package dev.eventsync.server.cli;

import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.server.ConfigurationException;
import dev.eventsync.tck.KitSettings;
import dev.eventsync.tck.Rule;
import dev.eventsync.vertx.VertxClientSettings;
import io.vertx.core.Vertx;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
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

    private static final long HEARTBEAT_SECONDS = 15;
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

    @CommandLine.Option(names = "--report", paramLabel = "FILE", description = "Writes the per-rule report to FILE, replacing a file but never a directory; "
            + "its directory is created if missing and must be writable (checked before the run; default: a temporary file, named at the end).")
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
        if (tries != null && tries < 1) {
            throw new ConfigurationException("--tries must be at least 1, got " + tries);
        }
        checkUrl(url);
        if (scopedAuthToken != null && (!scopedAuthToken.contains("{storeId}") || authToken == null)) {
            throw new ConfigurationException("--scoped-auth-token is a template containing {storeId} (replaced by each "
                    + "store's id, as 'scoped:{storeId}'), given with --auth-token; got one "
                    + (authToken == null ? "without --auth-token" : "without {storeId}"));
        }
        Optional<Path> reportFile = report == null ? Optional.empty() : Optional.of(CertifyReportFile.check(report));
        ClientOptions.quietClientLogs();
        PrintWriter out = spec.commandLine().getOut();
        client.checkTls(url);
        checkReachable(wire);
        Optional<AdminApi> admin = Optional.ofNullable(client.adminToken)
                .map(token -> new AdminApi(url, token, client.caCertificates()));
        admin.ifPresent(AdminApi::check);
        String runId = runId();
        Path reportDir = Files.createTempDirectory("eventsync-certify-" + runId + "-");
        System.setProperty(KitSettings.PROFILE_PROPERTY, certified.label());
        System.setProperty(KitSettings.TIER_PROPERTY, thorough ? "thorough" : "fast");
        System.setProperty(KitSettings.REPORT_DIR_PROPERTY, reportDir.toString());
        // every run sets or clears each setting: a run never inherits the seed or tries of an earlier one in this JVM
        setOrClear(KitSettings.SEED_PROPERTY, seed);
        setOrClear(KitSettings.TRIES_PROPERTY, tries);
        String prefix = "certify-" + runId;
        out.printf("certifying %s over %s, profile %s, %s tier (%s); stores created: %s-*%n", printable(url),
                wire == VertxClientSettings.Transport.HTTP ? "HTTP" : "WebSocket", certified.label(),
                thorough ? "thorough" : "fast", seed == null ? "random seeds, printed with any failure" : "seed " + seed, prefix);
        out.flush();

        Vertx vertx = Vertx.vertx();
        RemoteCertification.Run run = new RemoteCertification.Run(url, wire, Optional.ofNullable(authToken),
                Optional.ofNullable(scopedAuthToken), declared, admin, prefix, java.time.Duration.ofSeconds(timeoutSeconds), vertx,
                client.caCertificates());
        CertifyProgress progress = new CertifyProgress(out, HEARTBEAT_SECONDS, text -> redact(text, secrets()));
        long started = System.nanoTime();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors)
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .build();
        Launcher launcher = LauncherFactory.create();
        RemoteCertification.use(run);
        // interrupted (Ctrl-C, SIGTERM): still delete (with --admin-token) or name what the run left
        Thread interrupted = new Thread(() -> {
            out.printf("%ninterrupted: ");
            cleanUp(out, run, admin);
            out.flush();
        }, "certify-cleanup");
        Runtime.getRuntime().addShutdownHook(interrupted);
        boolean hookRemoved;
        try {
            launcher.execute(request, progress);
        } finally {
            hookRemoved = removeHook(interrupted);
            progress.close();
            RemoteCertification.use(null);
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        out.printf("%n%d passed, %d failed, %d optional failed, %d skipped%n", progress.passed.get(), progress.failed.get(),
                progress.optionalFailed.get(), progress.skipped.get());
        out.printf("certified %s with profile %s in %.1f s: %s%n", printable(url), certified.label(), seconds,
                progress.certified() ? "CERTIFIED"
                        : progress.failed.get() == 0 ? "NOT CERTIFIED (no rule ran and passed: every selected rule was skipped)"
                        : "NOT CERTIFIED");
        progress.seededFailures.forEach((rule, failedSeed) -> out.printf(
                "replay %s with: eventsync certify --url %s --transport %s --profile %s --rules %s --seed %d%n",
                rule, printable(url), transport, certified.label(), rule, failedSeed));
        if (!hookRemoved) {
            return 1; // shutting down: the hook cleans up
        }
        cleanUp(out, run, admin);
        out.printf("report: %s%n", CertifyReportFile.move(reportDir.resolve(RemoteCertification.class.getSimpleName() + ".txt"),
                reportFile));
        out.flush();
        return progress.certified() ? 0 : 1;
    }

    private static boolean removeHook(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return false;
        }
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
        if (rules == null) {
            return List.of(DiscoverySelectors.selectClass(RemoteCertification.class));
        }
        if (rules.isEmpty() || rules.stream().anyMatch(String::isBlank)) {
            throw new ConfigurationException("--rules needs rule ids separated by commas (such as P-LS-01,P-AUTH-01), got '"
                    + String.join(",", rules) + "'");
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
        out.printf("left %s%d stores on the server, every id starting with %s- (events the kit pushed%s);%n",
                admin.isPresent() ? "" : "up to ", left, run.storePrefix(),
                admin.isPresent() ? "" : "; the run used that many ids, and an id only pulled from is never created");
        if (admin.isPresent()) {
            out.printf("  the admin API did not delete them: check --admin-token and the server's admin API%n");
        } else {
            String server = printable(run.url());
            out.printf("  delete them on an Eventsync server: run certify with --admin-token (deletes at the end), or, with"
                    + " EVENTSYNC_ADMIN_TOKEN set:%n  for id in $(eventsync stores --url %s | grep -o '^%s-[^ ]*'); do"
                    + " eventsync delete-store --url %s -- \"$id\"; done%n", server, run.storePrefix(), server);
        }
    }

    private void checkReachable(VertxClientSettings.Transport wire) {
        try (var probe = RemoteCertification.probe(url, wire, Optional.ofNullable(authToken),
                client.caCertificates())) {
            probe.ping().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new ConfigurationException("cannot reach a sync server at " + printable(url) + ": no answer to a ping within 10 s"
                    + "; is it a LiveStore sync server, and is the URL right (ws://host:port/)?");
        } catch (Exception e) {
            Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
            boolean unreachable = cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
                    || cause instanceof java.nio.channels.UnresolvedAddressException;
            throw new ConfigurationException("cannot reach a sync server at " + printable(url) + ": " + capped(redact(describe(cause), secrets()))
                    + (unreachable ? "; is it running, and is the URL right (ws://host:port/)?" : ""));
        }
    }

    /** A URL certify can dial: ws, wss, http or https, a host, and a port in 1..65535 if one is given. */
    static void checkUrl(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!List.of("ws", "wss", "http", "https").contains(scheme)) {
            throw new ConfigurationException("--url must start with ws://, wss://, http:// or https://, got '" + printable(url) + "'");
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new ConfigurationException("--url has no host name (ws://host:port/), got '" + printable(url) + "'");
        }
        if (url.getPort() != -1 && (url.getPort() < 1 || url.getPort() > 65535)) {
            throw new ConfigurationException("--url port must be in 1..65535, got " + url.getPort() + " in '" + printable(url) + "'");
        }
    }

    /** {@code url} as it may be printed: without user:password@, query (tokens) or fragment. */
    static String printable(URI url) {
        try {
            return new URI(url.getScheme(), null, url.getHost(), url.getPort(), url.getPath(), null, null).toString();
        } catch (java.net.URISyntaxException e) {
            return url.getScheme() + "://" + url.getHost();
        }
    }

    /**
     * {@code text} without credentials: user:password@ in URLs, token-like query parameters, a payload's
     * authToken, Bearer tokens, and every one of {@code secrets} (the tokens given on the command line).
     */
    static String redact(String text, List<String> secrets) {
        String t = text.replaceAll("(\\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\\s]*@", "$1")
                .replaceAll("(?i)([?&](?:auth_?token|token|access_token|payload|password|secret)=)[^&\\s]*", "$1<redacted>")
                .replaceAll("(?i)(\\\\?\"authToken\\\\?\"\\s*:\\s*\\\\?\")[^\"\\\\]*", "$1<redacted>")
                .replaceAll("(?i)(Bearer\\s+)[^\\s\"<$]+", "$1<redacted>");
        for (String secret : secrets) {
            if (secret != null && secret.length() >= 4) {
                t = t.replace(secret, "<redacted>");
            }
        }
        return t;
    }

    /** The secrets of this run that must never be printed. */
    List<String> secrets() {
        List<String> all = new java.util.ArrayList<>();
        all.add(authToken);
        all.add(client.adminToken);
        if (client.url != null && client.url.getUserInfo() != null) {
            all.add(client.url.getUserInfo());
        }
        return all;
    }

    /** {@code text} on one line and at most 300 characters: a server's HTML error page is never dumped. */
    static String capped(String text) {
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() <= 300 ? line : line.substring(0, 300) + "… (" + line.length() + " characters)";
    }

    /** The message of {@code failure}, or its type when it has none (never "null"). */
    static String describe(Throwable failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
    }
}
