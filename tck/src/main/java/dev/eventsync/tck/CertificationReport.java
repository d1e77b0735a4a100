package dev.eventsync.tck;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.opentest4j.TestAbortedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The certification report of a kit run: one line per catalogued rule (passed, failed, failed but
 * optional, or skipped with its reason), logged and written to
 * {@code target/eventsync-tck/<TestClass>.txt} (directory configurable with
 * {@code -Deventsync.tck.reportDir}). It also turns the failure of an {@link Rule.Level#OPTIONAL} rule
 * into an aborted test, so that optional rules are reported but never fail certification.
 */
public final class CertificationReport implements TestWatcher, AfterAllCallback, InvocationInterceptor {

    private static final Logger LOG = LoggerFactory.getLogger(CertificationReport.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CertificationReport.class);
    /** How the message of an optional rule's failure starts (it is reported as an aborted test). */
    public static final String OPTIONAL_FAILURE = "optional rule failed (reported, does not fail certification): ";

    /** What happened to one rule. */
    public enum Status { PASSED, FAILED, FAILED_OPTIONAL, SKIPPED, NOT_RUN }

    /** The result of one rule. */
    public record Outcome(Status status, String detail) {
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        Optional<Rule> rule = Rule.ofMethodName(invocationContext.getExecutable().getName());
        try {
            invocation.proceed();
        } catch (AssertionError e) {
            if (rule.isPresent() && rule.get().level() == Rule.Level.OPTIONAL) {
                results(extensionContext).put(rule.get(), new Outcome(Status.FAILED_OPTIONAL, firstLine(e.getMessage())));
                throw new TestAbortedException(OPTIONAL_FAILURE + e.getMessage(), e);
            }
            throw e;
        }
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        record(context, Status.PASSED, "");
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        record(context, Status.FAILED, firstLine(String.valueOf(cause.getMessage())));
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        record(context, Status.SKIPPED, firstLine(String.valueOf(cause.getMessage())));
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        record(context, Status.SKIPPED, reason.orElse("disabled"));
    }

    private void record(ExtensionContext context, Status status, String detail) {
        context.getTestMethod().flatMap(m -> Rule.ofMethodName(m.getName())).ifPresent(rule ->
                results(context).merge(rule, new Outcome(status, detail),
                        (old, now) -> old.status() == Status.FAILED_OPTIONAL ? old : now));
    }

    @SuppressWarnings("unchecked")
    private static ConcurrentMap<Rule, Outcome> results(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(context.getRequiredTestClass().getName(),
                k -> new ConcurrentHashMap<Rule, Outcome>(), ConcurrentMap.class);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        Class<?> testClass = context.getRequiredTestClass();
        Rule.Kit kit = EventStoreCompatibilityKit.class.isAssignableFrom(testClass) ? Rule.Kit.STORAGE : Rule.Kit.PROTOCOL;
        String text = render(testClass.getName(), kit, results(context));
        LOG.info("\n{}", text);
        context.publishReportEntry("eventsync.tck.report", text);
        Path dir = Path.of(System.getProperty(KitSettings.REPORT_DIR_PROPERTY, "target/eventsync-tck"));
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(testClass.getSimpleName() + ".txt"), text, StandardCharsets.UTF_8);
    }

    /** The report text for one kit run. */
    public static String render(String subject, Rule.Kit kit, Map<Rule, Outcome> results) {
        StringBuilder out = new StringBuilder();
        int passed = 0;
        int failed = 0;
        int optionalFailed = 0;
        int skipped = 0;
        int notRun = 0;
        StringBuilder lines = new StringBuilder();
        for (Rule rule : Rule.of(kit)) {
            Outcome outcome = results.getOrDefault(rule, new Outcome(Status.NOT_RUN, "not selected in this run"));
            switch (outcome.status()) {
                case PASSED -> passed++;
                case FAILED -> failed++;
                case FAILED_OPTIONAL -> optionalFailed++;
                case SKIPPED -> skipped++;
                case NOT_RUN -> notRun++;
                default -> throw new IllegalStateException("unknown status " + outcome.status());
            }
            lines.append(String.format("  %-16s %-9s %-10s %-16s %s%n", rule.id(),
                    rule.level().name().toLowerCase(java.util.Locale.ROOT), rule.profile().label(), outcome.status(), outcome.detail().isEmpty() ? "" : "- " + outcome.detail()));
        }
        boolean certified = failed == 0 && notRun == 0 && passed > 0;
        out.append("Eventsync compatibility kit report for ").append(subject).append('\n');
        out.append("  kit: ").append(kit).append(", profile ").append(KitSettings.profile().label()).append(", ")
                .append(KitSettings.tier().name().toLowerCase(java.util.Locale.ROOT)).append(" tier, at ")
                .append(Instant.now()).append('\n');
        out.append(String.format("  %d passed, %d failed, %d optional failed, %d skipped, %d not run: %s%n", passed,
                failed, optionalFailed, skipped, notRun,
                certified ? "CERTIFIED (skipped rules are listed with their reasons)"
                        : failed > 0 ? "NOT CERTIFIED"
                        : passed == 0 && notRun == 0 ? "NOT CERTIFIED (no rule ran: every rule was skipped)"
                        : "INCOMPLETE RUN"));
        out.append(String.format("  %-16s %-9s %-10s %-16s %s%n", "rule", "level", "profile", "status", "detail"));
        out.append(lines);
        return out.toString();
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message;
        if (m.startsWith(OPTIONAL_FAILURE)) {
            m = m.substring(OPTIONAL_FAILURE.length());
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
