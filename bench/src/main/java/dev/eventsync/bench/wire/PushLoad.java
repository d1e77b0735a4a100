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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** The push mode of {@link LoadGenerator}: stores x connections pushing batches, each with a live pull. */
final class PushLoad {

    private final LoadGenerator g;
    private final Workload w;
    private final int port;
    private final String prefix = "p" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final List<String> problems = new ArrayList<>();
    private final List<StoreLoad> stores = new ArrayList<>();

    PushLoad(LoadGenerator g, Workload w, int port) {
        this.g = g;
        this.w = w;
        this.port = port;
    }

    private final class StoreLoad {
        final String storeId;
        final List<WireClient> clients = new ArrayList<>();
        final List<PullStream> pulls = new ArrayList<>();
        final AtomicLong head = new AtomicLong();
        String backendId;
        int turn;

        StoreLoad(String storeId) {
            this.storeId = storeId;
        }
    }

    Outcome run(Window window) throws Exception {
        for (int s = 0; s < w.stores(); s++) {
            StoreLoad store = new StoreLoad(prefix + s);
            for (int c = 0; c < w.connections(); c++) {
                store.clients.add(await(WireClient.connect(g.sockets(), port, store.storeId), "connect"));
            }
            for (WireClient client : store.clients) {
                store.pulls.add(client.pull(true, Optional.empty()));
            }
            for (PullStream pull : store.pulls) {
                store.backendId = await(pull.firstPage(), "first live page");
            }
            stores.add(store);
        }
        List<CompletableFuture<Void>> loops = new ArrayList<>();
        for (StoreLoad store : stores) {
            if (w.contend()) {
                for (int c = 0; c < store.clients.size(); c++) {
                    CompletableFuture<Void> done = new CompletableFuture<>();
                    contendLoop(store, c, 0, done);
                    loops.add(done);
                }
            } else {
                CompletableFuture<Void> done = new CompletableFuture<>();
                lockLoop(store, done);
                loops.add(done);
            }
        }
        Measured measured = measure(w, window, acked::get);
        stopping.set(true);
        for (CompletableFuture<Void> loop : loops) {
            try {
                loop.get(g.drain().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                problem("a push was not answered within " + g.drain().toMillis() + " ms");
            }
        }
        EchoCheck.Verdict verdict = EchoCheck.Verdict.none();
        long heads = 0;
        for (StoreLoad store : stores) {
            heads += store.head.get();
        }
        if (heads != acked.get()) {
            // every acknowledged event must be one event of a log: more acks than events means pushes were
            // answered as retries or acked without being appended
            problem(acked.get() + " events acknowledged, but the logs hold " + heads);
        }
        for (StoreLoad store : stores) {
            long head = store.head.get();
            for (PullStream pull : store.pulls) {
                try {
                    pull.reached(head).get(g.drain().toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    problem(store.storeId + ": a live pull stopped at " + pull.check().highest() + " of " + head);
                }
                verdict = verdict.plus(pull.check().verdict(head));
            }
            for (WireClient client : store.clients) {
                client.problems().forEach(this::problem);
                client.close();
            }
        }
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("conflicts", (double) conflicts.get());
        extra.put("acked_total", (double) acked.get());
        return new Outcome(measured.rate(), measured.count(), measured.seconds(), verdict, snapshot(problems),
                extra);
    }

    private void lockLoop(StoreLoad store, CompletableFuture<Void> done) {
        if (stopping.get()) {
            done.complete(null);
            return;
        }
        WireClient client = store.clients.get(store.turn++ % store.clients.size());
        long from = store.head.get();
        client.push(batch(from, w.batch(), client), Optional.of(store.backendId)).whenComplete((exit, err) -> {
            if (exit != null && exit.kind() == ServerFrame.Kind.EXIT_SUCCESS) {
                store.head.set(from + w.batch());
                acked.addAndGet(w.batch());
                lockLoop(store, done);
            } else {
                problem(store.storeId + ": push after " + from + " failed: "
                        + (exit == null ? err : exit.failure() == null ? exit.kind() : exit.failure().text()));
                done.complete(null);
            }
        });
    }

    private void contendLoop(StoreLoad store, int index, long ownHead, CompletableFuture<Void> done) {
        if (stopping.get()) {
            done.complete(null);
            return;
        }
        WireClient client = store.clients.get(index);
        PullStream pull = store.pulls.get(index);
        long from = Math.max(ownHead, pull.check().highest());
        client.push(batch(from, w.batch(), client), Optional.of(store.backendId)).whenComplete((exit, err) -> {
            if (exit != null && exit.kind() == ServerFrame.Kind.EXIT_SUCCESS) {
                store.head.accumulateAndGet(from + w.batch(), Math::max);
                acked.addAndGet(w.batch());
                contendLoop(store, index, from + w.batch(), done);
            } else if (exit != null && exit.failure() != null
                    && "ServerAheadError".equals(exit.failure().errorTag())) {
                conflicts.incrementAndGet();
                // rebase: wait until the live pull has the events that won, then push after them
                pull.reached(exit.failure().minimumExpectedNum())
                        .thenRun(() -> contendLoop(store, index, ownHead, done));
            } else {
                problem(store.storeId + ": push after " + from + " failed: "
                        + (exit == null ? err : exit.failure() == null ? exit.kind() : exit.failure().text()));
                done.complete(null);
            }
        });
    }

    private synchronized void problem(String what) {
        if (problems.size() < 50) {
            problems.add(what);
        }
    }
}
