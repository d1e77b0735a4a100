package dev.eventsync.server.cli;

import dev.eventsync.tck.CertificationReport;
import dev.eventsync.tck.Rule;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The progress of a {@code certify} run: one line per rule as it finishes,
 * {@code [n/N] PASS  P-LS-04      livestore    0.1 s}, with the rule's profile; {@code WARN} for a failed
 * optional rule (counted apart, never as a skip); and a heartbeat line every {@code heartbeatSeconds} for a
 * rule still running, so that a long rule is never silent.
 */
final class CertifyProgress implements TestExecutionListener, AutoCloseable {
    final AtomicInteger passed = new AtomicInteger();
    final AtomicInteger failed = new AtomicInteger();
    final AtomicInteger optionalFailed = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger done = new AtomicInteger();
    private final PrintWriter out;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "certify-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile long total;
    /** The rules that failed with a seed (a property rule's try), by id: what a replay hint can name. */
    final Map<String, Long> seededFailures = new java.util.concurrent.ConcurrentSkipListMap<>();
    private static final java.util.regex.Pattern SEED = java.util.regex.Pattern.compile("\\bseed: (-?\\d+)");

    private final java.util.function.UnaryOperator<String> redact;

    CertifyProgress(PrintWriter out, long heartbeatSeconds, java.util.function.UnaryOperator<String> redact) {
        this.out = out;
        this.redact = redact;
        heartbeat.scheduleAtFixedRate(this::beat, heartbeatSeconds, heartbeatSeconds, TimeUnit.SECONDS);
    }

    /** Whether at least one rule ran and passed, and no required rule failed. */
    boolean certified() {
        return failed.get() == 0 && passed.get() > 0;
    }

    private synchronized void beat() {
        long now = System.nanoTime();
        running.forEach((uid, id) -> {
            long seconds = (now - started.getOrDefault(uid, now)) / 1_000_000_000L;
            out.printf("        ... %s still running (%d s)%n", id, seconds);
        });
        out.flush();
    }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        total = plan.countTestIdentifiers(TestIdentifier::isTest);
    }

    @Override
    public void executionStarted(TestIdentifier test) {
        if (test.isTest()) {
            started.put(test.getUniqueId(), System.nanoTime());
            running.put(test.getUniqueId(), rule(test).map(Rule::id).orElse(test.getDisplayName()));
        }
    }

    private static Optional<Rule> rule(TestIdentifier test) {
        return test.getSource().filter(MethodSource.class::isInstance)
                .flatMap(s -> Rule.ofMethodName(((MethodSource) s).getMethodName()));
    }

    private String line(TestIdentifier test, String verdict) {
        running.remove(test.getUniqueId());
        Optional<Rule> rule = rule(test);
        long nanos = System.nanoTime() - started.getOrDefault(test.getUniqueId(), System.nanoTime());
        return String.format("[%" + String.valueOf(total).length() + "d/%d] %-4s  %-12s %-10s %6.1f s", done.incrementAndGet(),
                total, verdict, rule.map(Rule::id).orElse(test.getDisplayName()),
                rule.map(r -> r.profile().label()).orElse(""), nanos / 1e9);
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier test, String reason) {
        if (test.isTest()) {
            skipped.incrementAndGet();
            out.printf("%s  %s%n", line(test, "SKIP"), redact.apply(reason));
            out.flush();
        }
    }

    @Override
    public synchronized void executionFinished(TestIdentifier test, TestExecutionResult result) {
        String message = result.getThrowable().map(CertifyCommand::describe).map(redact).orElse("");
        if (!test.isTest()) {
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                failed.incrementAndGet();
                out.printf("FAIL  %s: %s%n", test.getDisplayName(), message);
            }
            return;
        }
        switch (result.getStatus()) {
            case SUCCESSFUL -> {
                passed.incrementAndGet();
                out.printf("%s%n", line(test, "PASS"));
            }
            case ABORTED -> {
                if (message.startsWith(CertificationReport.OPTIONAL_FAILURE)) {
                    optionalFailed.incrementAndGet();
                    out.printf("%s  (optional, does not fail certification)%n%s%n", line(test, "WARN"),
                            message.substring(CertificationReport.OPTIONAL_FAILURE.length()).indent(8));
                } else {
                    skipped.incrementAndGet();
                    out.printf("%s  %s%n", line(test, "SKIP"),
                            message.isEmpty() ? "not supported" : message.replaceFirst("^Assumption failed: ", ""));
                }
            }
            case FAILED -> {
                failed.incrementAndGet();
                java.util.regex.Matcher seed = SEED.matcher(message);
                if (seed.find()) {
                    seededFailures.put(rule(test).map(Rule::id).orElse(test.getDisplayName()), Long.parseLong(seed.group(1)));
                }
                out.printf("%s%n%s%n", line(test, "FAIL"), message.indent(8));
            }
        }
        out.flush();
    }

    @Override
    public void close() {
        heartbeat.shutdownNow();
    }
}
