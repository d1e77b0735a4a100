package dev.eventsync.vertx.server;

import dev.eventsync.spi.transport.SyncService;
import java.time.Duration;
import java.util.function.Supplier;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The readiness behind {@code /health}, answered within a bounded time even when the storage hangs (for example a
 * database outage, where a check waits for a pool connection for seconds). At most one storage check runs at a
 * time; a request waits for it up to the timeout and otherwise gets the last known state. A check that has been
 * running for longer than the timeout is itself reported: not ready, with the last known state in the detail. The
 * running check goes on in the background and refreshes the state when it ends.
 */
final class HealthCheck {

    /** One result: whether the storage could serve, in words, and when it was checked. */
    record State(boolean ready, String detail, Instant checkedAt) {
    }

    private final Supplier<CompletionStage<SyncService.Health>> probe;
    private final Duration timeout;
    private volatile Optional<State> last = Optional.empty();
    private CompletableFuture<State> running;
    private Instant runningSince;

    HealthCheck(Supplier<CompletionStage<SyncService.Health>> probe, Duration timeout) {
        this.probe = probe;
        this.timeout = timeout;
    }

    /** The readiness, within {@link #timeout} (plus scheduling). */
    synchronized CompletionStage<State> state() {
        CompletableFuture<State> check = running;
        Instant since = runningSince;
        if (check == null) {
            check = new CompletableFuture<>();
            CompletableFuture<State> started = check;
            running = check;
            since = Instant.now();
            runningSince = since;
            CompletionStage<SyncService.Health> health;
            try {
                health = probe.get();
            } catch (RuntimeException e) {
                health = CompletableFuture.failedFuture(e);
            }
            health.whenComplete((h, failure) -> {
                State state = failure != null
                        ? new State(false, "health check failed: " + failure, Instant.now())
                        : new State(h.ready(), h.detail(), Instant.now());
                last = Optional.of(state);
                synchronized (this) {
                    if (running == started) {
                        running = null;
                    }
                }
                started.complete(state);
            });
        }
        if (check.isDone()) {
            return check;
        }
        long left = timeout.toMillis() - Duration.between(since, Instant.now()).toMillis();
        if (left <= 0) {
            return CompletableFuture.completedFuture(pending(since));
        }
        // a copy: the timeout must not complete the shared check, which goes on in the background
        Instant checkStart = since;
        return check.copy().completeOnTimeout(null, left, TimeUnit.MILLISECONDS)
                .thenApply(fresh -> fresh != null ? fresh : pending(checkStart));
    }

    private State pending(Instant since) {
        long millis = Duration.between(since, Instant.now()).toMillis();
        String known = last.map(s -> "last known: " + (s.ready() ? "ready" : "not ready") + " (" + s.detail()
                + ") at " + s.checkedAt()).orElse("no earlier result");
        return new State(false, "storage check pending for " + millis + " ms; " + known, Instant.now());
    }
}
