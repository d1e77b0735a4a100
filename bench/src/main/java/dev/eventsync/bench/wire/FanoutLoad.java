package dev.eventsync.bench.wire;

import static dev.eventsync.bench.wire.LoadGenerator.await;
import static dev.eventsync.bench.wire.LoadGenerator.measure;
import static dev.eventsync.bench.wire.LoadGenerator.snapshot;

import dev.eventsync.bench.wire.LoadGenerator.Outcome;
import dev.eventsync.bench.wire.LoadGenerator.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fan-out mode of {@link LoadGenerator}: S live subscribers of one store, one-event pushes at R per second;
 * delivery latency percentiles and loss / duplicate / order counts.
 */
final class FanoutLoad {

    private FanoutLoad() {
    }

    static Outcome run(LoadGenerator g, Workload w, int port, Window window) throws Exception {
        String storeId = "fan-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        List<String> problems = new ArrayList<>();
        List<WireClient> subscribers = g.connectAll(java.util.Collections.nCopies(w.subscribers(), storeId), port);
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
        WireClient pusher = await(g.connect(port, storeId), "connect");
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
        ProcessorShare.Sample cpu0 = ProcessorShare.sample();
        window.begin();
        Thread.sleep(w.measure().toMillis());
        long t1 = System.nanoTime();
        ProcessorShare.Sample cpu1 = ProcessorShare.sample();
        window.end();
        stopping.set(true);
        try {
            pushesDone.get(g.drain().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            problems.add("a fan-out push was not answered within " + g.drain().toMillis() + " ms");
        }
        measuring.set(false);
        long h1 = head.get();
        // the pusher's own live pull too may still be on its way: its page waits for the Ack of the previous one,
        // so the last push's acknowledgement can arrive before its echo (judging it at once counted a loss)
        List<PullStream> pulls = new ArrayList<>(streams);
        pulls.add(pusherPull);
        EchoCheck.Verdict verdict = EchoCheck.Verdict.none();
        for (PullStream stream : pulls) {
            try {
                stream.reached(h1).get(g.drain().toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                problems.add("a live pull stopped at " + stream.check().highest() + " of " + h1);
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
        // whether the machine, not the server, was the limit: the generator's and the machine's share of all cores
        extra.put("generator_cpu_share", ProcessorShare.generatorShare(cpu0, cpu1));
        extra.put("machine_cpu_busy", ProcessorShare.busyShare(cpu0, cpu1));
        extra.put("generator_cpu_us_per_delivery", all.length == 0 ? Double.NaN
                : ProcessorShare.generatorSeconds(cpu0, cpu1) * 1e6 / all.length);
        return new Outcome(all.length / seconds, all.length, seconds, verdict, snapshot(problems), extra);
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, i)] / 1e6;
    }
}
