package dev.eventsync.bench.wire;

import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

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
    /** One context per event loop of {@link #vertx}: connections are spread over them (see {@link #connect}). */
    private final List<Context> loops;
    private final AtomicInteger nextLoop = new AtomicInteger();

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
        int cores = Runtime.getRuntime().availableProcessors();
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(cores));
        this.loops = eventLoopContexts(vertx, cores);
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
            case PUSH -> new PushLoad(this, workload, port).run(window);
            case PULL -> PullLoad.run(this, workload, port, window);
            case FANOUT -> FanoutLoad.run(this, workload, port, window);
            case IDLE -> IdleLoad.run(this, workload, port, window);
        };
    }

    WebSocketClient sockets() {
        return sockets;
    }

    /** How many event loops the generator's connections are spread over. */
    int eventLoops() {
        return loops.size();
    }

    /**
     * Connects a client for {@code storeId} on the next of the generator's event loops in turn. A connection's
     * frames are handled on the event loop it was opened from: opened from one callback chain, all of them shared
     * one loop (one core for the 1 000 subscribers of fan-out).
     */
    CompletableFuture<WireClient> connect(int port, String storeId) {
        Context loop = loops.get(Math.floorMod(nextLoop.getAndIncrement(), loops.size()));
        CompletableFuture<WireClient> connected = new CompletableFuture<>();
        loop.runOnContext(v -> WireClient.connect(sockets, port, storeId).whenComplete((c, err) -> {
            if (err != null) {
                connected.completeExceptionally(err);
            } else {
                connected.complete(c);
            }
        }));
        return connected;
    }

    /** One event-loop context per event loop: the instances of a verticle deployment each get their own. */
    private static List<Context> eventLoopContexts(Vertx vertx, int count) {
        List<Context> contexts = new CopyOnWriteArrayList<>();
        try {
            vertx.deployVerticle(() -> new VerticleBase() {
                @Override
                public Future<?> start() {
                    contexts.add(context);
                    return Future.succeededFuture();
                }
            }, new DeploymentOptions().setInstances(count)).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("could not start the generator's event loops", e);
        }
        return List.copyOf(contexts);
    }

    /** How long an answer may take after the measurement before it counts as missing. */
    Duration drain() {
        return drain;
    }

    @Override
    public void close() {
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    /** What a counter counted in the measured interval, and how long that was. */
    record Measured(long count, double seconds) {
        double rate() {
            return count / seconds;
        }
    }

    /** Waits out the warm-up, then measures {@code counter} over the measured interval, telling {@code window}. */
    static Measured measure(Workload w, Window window, java.util.function.LongSupplier counter)
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

    /**
     * Connects one client per entry of {@code storeIds}, at most {@link #CONNECT_PARALLELISM} at a time, spread
     * over the generator's event loops.
     */
    List<WireClient> connectAll(List<String> storeIds, int port) throws Exception {
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
        connect(port, storeIds.get(i)).whenComplete((c, err) -> {
            if (err != null) {
                done.completeExceptionally(err);
                return;
            }
            clients[i] = c;
            connectLane(storeIds, port, clients, next, done);
        });
    }

    static <T> T await(CompletableFuture<T> future, String what) throws Exception {
        try {
            return future.get(SETUP.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + ": no answer within " + SETUP.toSeconds() + " s", e);
        }
    }

    static List<String> snapshot(List<String> problems) {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }
}
