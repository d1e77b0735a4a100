package dev.eventsync.bench.wire;

import static dev.eventsync.bench.wire.LoadGenerator.snapshot;

import dev.eventsync.bench.wire.LoadGenerator.Outcome;
import dev.eventsync.bench.wire.LoadGenerator.Window;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The idle mode of {@link LoadGenerator}: N live connections, one store each,
 * held open while the server's RSS is read.
 */
final class IdleLoad {

    /** How long all first pages together may take (10 000 on a loaded 2-core machine: up to a minute). */
    private static final java.time.Duration FIRST_PAGES = java.time.Duration.ofSeconds(120);

    private IdleLoad() {
    }

    static Outcome run(LoadGenerator g, Workload w, int port, Window window) throws Exception {
        String prefix = "idle-" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
        List<String> storeIds = new ArrayList<>(w.idle());
        for (int i = 0; i < w.idle(); i++) {
            storeIds.add(prefix + i);
        }
        long t0 = System.nanoTime();
        List<WireClient> clients = g.connectAll(storeIds, port);
        List<PullStream> streams = new ArrayList<>();
        for (WireClient c : clients) {
            streams.add(c.pull(true, Optional.empty()));
        }
        double connected = (System.nanoTime() - t0) / 1e9;
        firstPages(streams, FIRST_PAGES);
        double setup = (System.nanoTime() - t0) / 1e9;
        Thread.sleep(w.warmup().toMillis());
        window.begin();
        Thread.sleep(w.measure().toMillis());
        window.end();
        List<String> problems = new ArrayList<>();
        EchoCheck.Verdict verdict = EchoCheck.Verdict.none();
        for (int i = 0; i < clients.size(); i++) {
            problems.addAll(clients.get(i).problems());
            verdict = verdict.plus(streams.get(i).check().verdict(0));
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (WireClient c : clients) {
            closing.add(c.close());
        }
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new))
                .get(g.drain().toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("connect_seconds", connected);
        extra.put("first_pages_seconds", setup - connected);
        return new Outcome(clients.size(), clients.size(), w.measure().toMillis() / 1e3, verdict,
                snapshot(problems), extra);
    }

    /**
     * Waits, with one {@code deadline} for all of them, until every live pull has its first page; when some have not, the
     * failure says how many had it, how many failed (and the first failure) and how many were still waiting, which
     * tells a slow server (all pending) from a refusing one (failures) and from a lost pull (a few pending).
     */
    static void firstPages(List<PullStream> streams, java.time.Duration deadline) throws InterruptedException {
        CompletableFuture<Void> all = CompletableFuture.allOf(streams.stream().map(PullStream::firstPage)
                .toArray(CompletableFuture[]::new));
        try {
            all.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            return;
        } catch (ExecutionException | TimeoutException e) {
            // counted below
        }
        int done = 0;
        int failed = 0;
        String firstFailure = null;
        for (PullStream s : streams) {
            CompletableFuture<String> f = s.firstPage();
            if (f.isCompletedExceptionally()) {
                failed++;
                if (firstFailure == null) {
                    firstFailure = f.handle((v, err) -> String.valueOf(err)).join();
                }
            } else if (f.isDone()) {
                done++;
            }
        }
        throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                "first live pages after %d ms: %d of %d arrived, %d failed%s, %d still waiting",
                deadline.toMillis(), done, streams.size(), failed,
                firstFailure == null ? "" : " (first: " + firstFailure + ")", streams.size() - done - failed));
    }
}
