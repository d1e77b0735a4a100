package dev.eventsync.vertx.server;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The transport's Micrometer meters, measured where requests pass through the transport (so they need no
 * engine internals). Names follow Micrometer conventions; Prometheus renders them as
 * {@code eventsync_pushes_total{outcome,reason,transport}}, {@code eventsync_events_appended_total},
 * {@code eventsync_pull_pages_total{transport}}, {@code eventsync_live_subscribers},
 * {@code eventsync_store_head{store}}, {@code eventsync_push_latency_seconds} (histogram) and
 * {@code eventsync_connections{transport}} / {@code eventsync_connections_opened_total} /
 * {@code eventsync_connections_rejected_total{reason}}, plus {@code eventsync_bad_frames_total{reason}}.
 */
final class TransportMetrics {

    private final MeterRegistry registry;
    private final boolean storeHeads;
    private final AtomicInteger liveSubscribers = new AtomicInteger();
    private final AtomicInteger wsConnections = new AtomicInteger();
    private final AtomicInteger httpRequests = new AtomicInteger();
    private final ConcurrentMap<StoreId, AtomicLong> heads = new ConcurrentHashMap<>();
    private final Counter eventsAppended;
    private final Timer pushLatency;

    TransportMetrics(MeterRegistry registry, boolean storeHeads) {
        this.registry = registry;
        this.storeHeads = storeHeads;
        Gauge.builder("eventsync.live.subscribers", liveSubscribers, AtomicInteger::get)
                .description("Live pulls currently open on this node").register(registry);
        Gauge.builder("eventsync.connections", wsConnections, AtomicInteger::get).tag("transport", "ws")
                .description("Open connections").register(registry);
        Gauge.builder("eventsync.connections", httpRequests, AtomicInteger::get).tag("transport", "http")
                .description("Open connections").register(registry);
        eventsAppended = Counter.builder("eventsync.events.appended")
                .description("Events appended by pushes through this transport").register(registry);
        pushLatency = Timer.builder("eventsync.push.latency")
                .description("Time from receiving a push to its answer")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void pushSucceeded(StoreId storeId, PushResult result, long nanos, String transport) {
        pushLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        registry.counter("eventsync.pushes", "outcome", "accepted", "reason", resultReason(result),
                "transport", transport).increment();
        if (result instanceof PushResult.Appended appended) {
            eventsAppended.increment(appended.eventCount());
        }
        result.head().ifPresent(h -> head(storeId, h));
    }

    void pushFailed(SyncError error, long nanos, String transport) {
        pushLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        registry.counter("eventsync.pushes", "outcome", "rejected", "reason", error.code(), "transport", transport)
                .increment();
    }

    void pullPage(StoreId storeId, PullPage page, String transport) {
        registry.counter("eventsync.pull.pages", "transport", transport).increment();
        page.lastSeqNum().ifPresent(seq -> head(storeId, seq));
    }

    void liveSubscriberOpened() {
        liveSubscribers.incrementAndGet();
    }

    void liveSubscriberClosed() {
        liveSubscribers.decrementAndGet();
    }

    void wsOpened() {
        wsConnections.incrementAndGet();
        registry.counter("eventsync.connections.opened", "transport", "ws").increment();
    }

    void wsClosed() {
        wsConnections.decrementAndGet();
    }

    void httpStarted() {
        httpRequests.incrementAndGet();
        registry.counter("eventsync.connections.opened", "transport", "http").increment();
    }

    void httpEnded() {
        httpRequests.decrementAndGet();
    }

    void connectionRejected(String reason) {
        registry.counter("eventsync.connections.rejected", "reason", reason).increment();
    }

    /** Gauges of open TCP connections (all transports, refused ones included) and of distinct remote addresses. */
    void tcpConnections(AtomicInteger open, java.util.Map<String, Integer> perAddress) {
        Gauge.builder("eventsync.tcp.connections", open, AtomicInteger::get)
                .description("Open TCP connections, including those being refused").register(registry);
        Gauge.builder("eventsync.tcp.remote.addresses", perAddress, java.util.Map::size)
                .description("Distinct remote addresses with an open connection").register(registry);
    }

    void credentialExpired() {
        registry.counter("eventsync.connections.closed", "reason", "credential_expired").increment();
    }

    void badFrame(String reason) {
        registry.counter("eventsync.bad.frames", "reason", reason).increment();
    }

    /** Raises the exported head of {@code store} to {@code seqNum} (heads only grow, except after a reset). */
    private void head(StoreId storeId, long seqNum) {
        if (!storeHeads) {
            return;
        }
        AtomicLong head = heads.computeIfAbsent(storeId, s -> {
            AtomicLong h = new AtomicLong();
            Gauge.builder("eventsync.store.head", h, AtomicLong::get).tag("store", s.value())
                    .description("Highest seqNum seen for the store on this node").register(registry);
            return h;
        });
        head.accumulateAndGet(seqNum, Math::max);
    }

    private static String resultReason(PushResult result) {
        if (result instanceof PushResult.Appended) {
            return "appended";
        }
        if (result instanceof PushResult.AlreadyApplied) {
            return "already_applied";
        }
        return "empty";
    }
}
