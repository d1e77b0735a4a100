package dev.eventsync.bench.wire;

import static dev.eventsync.bench.wire.LoadGenerator.await;
import static dev.eventsync.bench.wire.LoadGenerator.batch;
import static dev.eventsync.bench.wire.LoadGenerator.measure;
import static dev.eventsync.bench.wire.LoadGenerator.snapshot;

import dev.eventsync.bench.wire.LoadGenerator.Measured;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The pull mode of {@link LoadGenerator}: a store seeded with N events, caught up by P pullers over and over. */
final class PullLoad {

    private PullLoad() {
    }

    static Outcome run(LoadGenerator g, Workload w, int port, Window window) throws Exception {
        String storeId = "pull-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        List<String> problems = new ArrayList<>();
        WireClient writer = await(WireClient.connect(g.sockets(), port, storeId), "connect");
        PullStream writerPull = writer.pull(true, Optional.empty());
        String backendId = await(writerPull.firstPage(), "first live page");
        for (long head = 0; head < w.pullEvents(); ) {
            int n = (int) Math.min(100, w.pullEvents() - head);
            ServerFrame exit = await(writer.push(batch(head, n, writer), Optional.of(backendId)), "seeding push");
            if (exit.kind() != ServerFrame.Kind.EXIT_SUCCESS) {
                throw new IllegalStateException("seeding the pull store failed: " + exit.failure().text());
            }
            head += n;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        AtomicLong delivered = new AtomicLong();
        AtomicInteger pulls = new AtomicInteger();
        List<WireClient> pullers = new ArrayList<>();
        List<CompletableFuture<EchoCheck.Verdict>> loops = new ArrayList<>();
        for (int p = 0; p < w.pullers(); p++) {
            pullers.add(await(WireClient.connect(g.sockets(), port, storeId), "connect"));
        }
        for (WireClient puller : pullers) {
            CompletableFuture<EchoCheck.Verdict> done = new CompletableFuture<>();
            pullLoop(puller, w.pullEvents(), stopping, delivered, pulls, EchoCheck.Verdict.none(), done);
            loops.add(done);
        }
        Measured measured = measure(w, window, delivered::get);
        stopping.set(true);
        EchoCheck.Verdict verdict = EchoCheck.Verdict.none();
        for (CompletableFuture<EchoCheck.Verdict> loop : loops) {
            try {
                verdict = verdict.plus(loop.get(g.drain().toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                problems.add("a catch-up pull did not end within " + g.drain().toMillis() + " ms");
            } catch (ExecutionException e) {
                problems.add(String.valueOf(e.getCause().getMessage()));
            }
        }
        verdict = verdict.plus(writerPull.check().verdict(w.pullEvents()));
        for (WireClient c : pullers) {
            problems.addAll(c.problems());
            c.close();
        }
        problems.addAll(writer.problems());
        writer.close();
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("pulls", (double) pulls.get());
        return new Outcome(measured.rate(), measured.count(), measured.seconds(), verdict, snapshot(problems), extra);
    }

    private static void pullLoop(WireClient puller, long events, AtomicBoolean stopping, AtomicLong delivered,
                          AtomicInteger pulls, EchoCheck.Verdict sum, CompletableFuture<EchoCheck.Verdict> done) {
        if (stopping.get()) {
            done.complete(sum);
            return;
        }
        PullStream stream = puller.pull(false, Optional.empty());
        stream.onEvent(e -> delivered.incrementAndGet());
        stream.exit().whenComplete((v, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
                return;
            }
            pulls.incrementAndGet();
            pullLoop(puller, events, stopping, delivered, pulls, sum.plus(stream.check().verdict(events)), done);
        });
    }
}
