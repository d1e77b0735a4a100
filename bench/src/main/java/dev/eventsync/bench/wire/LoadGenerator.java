package dev.eventsync.bench.wire;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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

/**
 * A load generator that speaks {@code sync-cf} 0.4.0 over WebSocket exactly as LiveStore's client does (see
 * {@link ClientFrames}) and verifies every answer: a run whose pushes were not all acknowledged, whose live
 * pulls missed, repeated or reordered an event, or whose catch-up pulls were not exact is reported as not
 * verified, whatever its speed.
 */
public final class LoadGenerator implements AutoCloseable {

    private static final int CONNECT_PARALLELISM = 128;
    /** How long setting up (connecting, seeding, first pages) may take on a busy machine. */
    private static final Duration SETUP = Duration.ofSeconds(60);

    private final Vertx vertx;
    private final WebSocketClient sockets;
    private final Duration drain;

    /**
     * @param offerDeflate whether to offer permessage-deflate at the upgrade, as every LiveStore client does
     */
    public LoadGenerator(boolean offerDeflate) {
        this(offerDeflate, Duration.ofSeconds(30));
    }

    /**
     * @param offerDeflate whether to offer permessage-deflate at the upgrade, as every LiveStore client does
     * @param drain        how long an answer may take after the measurement before it counts as missing
     */
    public LoadGenerator(boolean offerDeflate, Duration drain) {
        this.drain = drain;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(Runtime.getRuntime().availableProcessors()));
        this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxConnections(1_000_000)
                .setTryUsePerMessageCompression(offerDeflate)
                .setMaxMessageSize(64 * 1024 * 1024)
                .setMaxFrameSize(64 * 1024 * 1024)
                .setConnectTimeout(30_000));
    }

    /** Called when the measured interval starts and ends (the driver samples the server's CPU and memory). */
    public interface Window {
        void begin();

        void end();

        Window NONE = new Window() {
            @Override
            public void begin() {
            }

            @Override
            public void end() {
            }
        };
    }

    /**
     * What one run measured.
     *
     * @param rate      events per second (push: acknowledged; pull and fan-out: delivered); connections for idle
     * @param events    events counted in the measured interval
     * @param seconds   length of the measured interval
     * @param verdict   what every pull of the run got wrong, summed
     * @param problems  everything else that went wrong (unacknowledged pushes, failures, defects, closes)
     * @param extra     mode-specific figures: {@code conflicts}, {@code p50_ms}, {@code p99_ms}, {@code max_ms}, ...
     */
    public record Outcome(double rate, long events, double seconds, EchoCheck.Verdict verdict, List<String> problems,
                          Map<String, Double> extra) {

        public boolean verified() {
            return verdict.ok() && problems.isEmpty();
        }
    }

    /** Runs {@code workload} against the server on 127.0.0.1:{@code port}. */
    public Outcome run(Workload workload, int port, Window window) throws Exception {
        return switch (workload.mode()) {
            case PUSH -> new PushRun(workload, port).run(window);
            case PULL -> pullRun(workload, port, window);
            case FANOUT -> fanoutRun(workload, port, window);
            case IDLE -> idleRun(workload, port, window);
        };
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    // ---------------------------------------------------------------- push

    private final class PushRun {
        private final Workload w;
        private final int port;
        private final String prefix = "p" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
        private final AtomicBoolean stopping = new AtomicBoolean();
        private final AtomicLong acked = new AtomicLong();
        private final AtomicLong conflicts = new AtomicLong();
        private final List<String> problems = new ArrayList<>();
        private final List<StoreLoad> stores = new ArrayList<>();

        PushRun(Workload w, int port) {
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
                    store.clients.add(await(WireClient.connect(sockets, port, store.storeId), "connect"));
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
                    loop.get(drain.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    problem("a push was not answered within " + drain.toMillis() + " ms");
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
                        pull.reached(head).get(drain.toMillis(), TimeUnit.MILLISECONDS);
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

    /** What a counter counted in the measured interval, and how long that was. */
    private record Measured(long count, double seconds) {
        double rate() {
            return count / seconds;
        }
    }

    /** Waits out the warm-up, then measures {@code counter} over the measured interval, telling {@code window}. */
    private static Measured measure(Workload w, Window window, java.util.function.LongSupplier counter)
            throws InterruptedException {
        Thread.sleep(w.warmup().toMillis());
        long t0 = System.nanoTime();
        long c0 = counter.getAsLong();
        window.begin();
        Thread.sleep(w.measure().toMillis());
        long c1 = counter.getAsLong();
        long t1 = System.nanoTime();
        window.end();
        return new Measured(c1 - c0, (t1 - t0) / 1e9);
    }

    /**
     * {@code count} chained events after {@code from}, created by {@code client}: {@code args.id} names the
     * seqNum (see {@link EchoCheck}) and the client, so two clients' batches at one head are never the same
     * events (a server would rightly answer the second as an idempotent retry).
     */
    static List<ClientFrames.OutEvent> batch(long from, int count, WireClient client) {
        List<ClientFrames.OutEvent> events = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            long seq = from + i;
            events.add(new ClientFrames.OutEvent(seq, seq - 1, "{\"id\":\"s" + seq + "." + client.clientId()
                    + "\",\"text\":\"todo #" + seq + " from the load generator\"}", client.clientId()));
        }
        return events;
    }

    // ---------------------------------------------------------------- pull

    private Outcome pullRun(Workload w, int port, Window window) throws Exception {
        String storeId = "pull-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        List<String> problems = new ArrayList<>();
        WireClient writer = await(WireClient.connect(sockets, port, storeId), "connect");
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
            pullers.add(await(WireClient.connect(sockets, port, storeId), "connect"));
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
                verdict = verdict.plus(loop.get(drain.toMillis(), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                problems.add("a catch-up pull did not end within " + drain.toMillis() + " ms");
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

    private void pullLoop(WireClient puller, long events, AtomicBoolean stopping, AtomicLong delivered,
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

    // ---------------------------------------------------------------- fan-out

    private Outcome fanoutRun(Workload w, int port, Window window) throws Exception {
        String storeId = "fan-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        List<String> problems = new ArrayList<>();
        List<WireClient> subscribers = connectAll(java.util.Collections.nCopies(w.subscribers(), storeId), port);
        AtomicBoolean measuring = new AtomicBoolean();
        List<PullStream> streams = new ArrayList<>();
        List<long[]> latencies = new ArrayList<>();
        List<AtomicInteger> counts = new ArrayList<>();
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8,
                (long) w.pushesPerSecond() * (w.measure().toSeconds() + 2) + 16);
        for (WireClient s : subscribers) {
            PullStream stream = s.pull(true, Optional.empty());
            long[] samples = new long[capacity];
            AtomicInteger count = new AtomicInteger();
            stream.onEvent(e -> {
                if (measuring.get() && e.sentNanos() > 0) {
                    int i = count.getAndIncrement();
                    if (i < samples.length) {
                        samples[i] = System.nanoTime() - e.sentNanos();
                    }
                }
            });
            streams.add(stream);
            latencies.add(samples);
            counts.add(count);
        }
        for (PullStream stream : streams) {
            await(stream.firstPage(), "first live page");
        }
        WireClient pusher = await(WireClient.connect(sockets, port, storeId), "connect");
        PullStream pusherPull = pusher.pull(true, Optional.empty());
        String backendId = await(pusherPull.firstPage(), "first live page");
        AtomicLong head = new AtomicLong();
        AtomicBoolean inFlight = new AtomicBoolean();
        AtomicLong skipped = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long periodNanos = 1_000_000_000L / w.pushesPerSecond();
        AtomicBoolean stopping = new AtomicBoolean();
        CompletableFuture<Void> pushesDone = new CompletableFuture<>();
        Thread ticker = new Thread(() -> {
            long next = System.nanoTime();
            while (!stopping.get()) {
                next += periodNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                if (!inFlight.compareAndSet(false, true)) {
                    skipped.incrementAndGet();
                    continue;
                }
                long seq = head.get() + 1;
                ClientFrames.OutEvent e = new ClientFrames.OutEvent(seq, seq - 1, "{\"id\":\"s" + seq
                        + ".fan\",\"sentNanos\":" + System.nanoTime() + "}", pusher.clientId());
                pusher.push(List.of(e), Optional.of(backendId)).whenComplete((exit, err) -> {
                    if (exit != null && exit.kind() == ServerFrame.Kind.EXIT_SUCCESS) {
                        head.set(seq);
                    } else {
                        failed.incrementAndGet();
                    }
                    inFlight.set(false);
                });
            }
            while (inFlight.get()) {
                Thread.onSpinWait();
            }
            pushesDone.complete(null);
        }, "fanout-pusher");
        ticker.setDaemon(true);
        ticker.start();
        Thread.sleep(w.warmup().toMillis());
        long h0 = head.get();
        long t0 = System.nanoTime();
        measuring.set(true);
        window.begin();
        Thread.sleep(w.measure().toMillis());
        long t1 = System.nanoTime();
        window.end();
        stopping.set(true);
        try {
            pushesDone.get(drain.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            problems.add("a fan-out push was not answered within " + drain.toMillis() + " ms");
        }
        measuring.set(false);
        long h1 = head.get();
        EchoCheck.Verdict verdict = pusherPull.check().verdict(h1);
        for (PullStream stream : streams) {
            try {
                stream.reached(h1).get(drain.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                problems.add("a subscriber stopped at " + stream.check().highest() + " of " + h1);
            }
            verdict = verdict.plus(stream.check().verdict(h1));
        }
        if (failed.get() > 0) {
            problems.add(failed.get() + " fan-out pushes failed");
        }
        int total = 0;
        for (AtomicInteger c : counts) {
            total += Math.min(c.get(), capacity);
        }
        long[] all = new long[total];
        int at = 0;
        for (int i = 0; i < latencies.size(); i++) {
            int n = Math.min(counts.get(i).get(), capacity);
            System.arraycopy(latencies.get(i), 0, all, at, n);
            at += n;
        }
        Arrays.sort(all);
        for (WireClient s : subscribers) {
            problems.addAll(s.problems());
            s.close();
        }
        problems.addAll(pusher.problems());
        pusher.close();
        double seconds = (t1 - t0) / 1e9;
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("p50_ms", percentile(all, 0.50));
        extra.put("p99_ms", percentile(all, 0.99));
        extra.put("p999_ms", percentile(all, 0.999));
        extra.put("max_ms", all.length == 0 ? 0 : all[all.length - 1] / 1e6);
        extra.put("pushes_per_s", (h1 - h0) / seconds);
        extra.put("pushes_total", (double) h1);
        extra.put("ticks_skipped", (double) skipped.get());
        extra.put("lost", (double) verdict.lost());
        extra.put("duplicates", (double) verdict.duplicates());
        extra.put("out_of_order", (double) verdict.outOfOrder());
        return new Outcome(all.length / seconds, all.length, seconds, verdict, snapshot(problems), extra);
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }

    // ---------------------------------------------------------------- idle

    private Outcome idleRun(Workload w, int port, Window window) throws Exception {
        String prefix = "idle-" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-";
        List<String> storeIds = new ArrayList<>(w.idle());
        for (int i = 0; i < w.idle(); i++) {
            storeIds.add(prefix + i);
        }
        long t0 = System.nanoTime();
        List<WireClient> clients = connectAll(storeIds, port);
        List<PullStream> streams = new ArrayList<>();
        for (WireClient c : clients) {
            streams.add(c.pull(true, Optional.empty()));
        }
        for (PullStream s : streams) {
            await(s.firstPage(), "first live page");
        }
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
        CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(drain.toMillis(), TimeUnit.MILLISECONDS);
        Map<String, Double> extra = new LinkedHashMap<>();
        extra.put("connect_seconds", setup);
        return new Outcome(clients.size(), clients.size(), w.measure().toMillis() / 1e3, verdict,
                snapshot(problems), extra);
    }

    /** Connects one client per entry of {@code storeIds}, at most {@link #CONNECT_PARALLELISM} at a time. */
    private List<WireClient> connectAll(List<String> storeIds, int port) throws Exception {
        WireClient[] clients = new WireClient[storeIds.size()];
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < Math.min(CONNECT_PARALLELISM, storeIds.size()); lane++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            connectLane(storeIds, port, clients, next, done);
            lanes.add(done);
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        return List.of(clients);
    }

    private void connectLane(List<String> storeIds, int port, WireClient[] clients, AtomicInteger next,
                             CompletableFuture<Void> done) {
        int i = next.getAndIncrement();
        if (i >= storeIds.size()) {
            done.complete(null);
            return;
        }
        WireClient.connect(sockets, port, storeIds.get(i)).whenComplete((c, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
                return;
            }
            clients[i] = c;
            connectLane(storeIds, port, clients, next, done);
        });
    }

    private static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(SETUP.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer within " + SETUP.toSeconds() + " s", e);
        }
    }

    private static List<String> snapshot(List<String> problems) {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }
}
