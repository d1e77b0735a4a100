package dev.eventsync.vertx.dispatch;

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
public final class TransportMetrics {

    private final MeterRegistry registry;
    private static final String STORE_HEAD = "eventsync.store.head";

    private final boolean storeHeads;
    private final AtomicInteger liveSubscribers = new AtomicInteger();
    private final AtomicInteger wsConnections = new AtomicInteger();
    private final AtomicInteger httpRequests = new AtomicInteger();
    private final ConcurrentMap<StoreId, StoreHead> heads = new ConcurrentHashMap<>();
    private final int maxStoreHeads;
    private final Counter eventsAppended;
    private final Timer pushLatency;

    public TransportMetrics(MeterRegistry registry, boolean storeHeads, int maxStoreHeads) {
        this.registry = registry;
        this.storeHeads = storeHeads;
        this.maxStoreHeads = maxStoreHeads;
        // a store's series removed from outside (forgetStore, after a delete or reset): start it afresh next time
        registry.config().onMeterRemoved(meter -> heads.entrySet()
                .removeIf(e -> e.getValue().gauge != null && e.getValue().gauge.getId().equals(meter.getId())));
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

    public void pushSucceeded(StoreId storeId, PushResult result, long nanos, String transport) {
        pushLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        registry.counter("eventsync.pushes", "outcome", "accepted", "reason", resultReason(result),
                "transport", transport).increment();
        if (result instanceof PushResult.Appended appended) {
            eventsAppended.increment(appended.eventCount());
        }
        result.head().ifPresent(h -> head(storeId, h));
    }

    public void pushFailed(SyncError error, long nanos, String transport) {
        pushLatency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        registry.counter("eventsync.pushes", "outcome", "rejected", "reason", error.code(), "transport", transport)
                .increment();
    }

    public void pullPage(StoreId storeId, PullPage page, String transport) {
        registry.counter("eventsync.pull.pages", "transport", transport).increment();
        page.lastSeqNum().ifPresent(seq -> head(storeId, seq));
    }

    public void liveSubscriberOpened() {
        liveSubscribers.incrementAndGet();
    }

    public void liveSubscriberClosed() {
        liveSubscribers.decrementAndGet();
    }

    public void wsOpened() {
        wsConnections.incrementAndGet();
        registry.counter("eventsync.connections.opened", "transport", "ws").increment();
    }

    public void wsClosed() {
        wsConnections.decrementAndGet();
    }

    public void httpStarted() {
        httpRequests.incrementAndGet();
        registry.counter("eventsync.connections.opened", "transport", "http").increment();
    }

    public void httpEnded() {
        httpRequests.decrementAndGet();
    }

    public void connectionRejected(String reason) {
        registry.counter("eventsync.connections.rejected", "reason", reason).increment();
    }

    /** Gauges of open TCP connections (all transports, refused ones included) and of distinct remote addresses. */
    public void tcpConnections(AtomicInteger open, java.util.Map<String, Integer> perAddress) {
        Gauge.builder("eventsync.tcp.connections", open, AtomicInteger::get)
                .description("Open TCP connections, including those being refused").register(registry);
        Gauge.builder("eventsync.tcp.remote.addresses", perAddress, java.util.Map::size)
                .description("Distinct remote addresses with an open connection").register(registry);
    }

    public void credentialExpired() {
        registry.counter("eventsync.connections.closed", "reason", "credential_expired").increment();
    }

    public void badFrame(String reason) {
        registry.counter("eventsync.bad.frames", "reason", reason).increment();
    }

    /**
     * Raises the exported head of {@code storeId} to {@code seqNum} (heads only grow, except after a reset). At most
     * {@code maxStoreHeads} stores have a series: a new store past that takes the series of the store whose head
     * changed least recently, so that many short-lived stores cannot grow {@code /metrics} without bound.
     */
    private void head(StoreId storeId, long seqNum) {
        if (!storeHeads) {
            return;
        }
        StoreHead head = heads.get(storeId);
        if (head == null) {
            synchronized (heads) {
                head = heads.get(storeId);
                if (head == null) {
                    if (heads.size() >= maxStoreHeads) {
                        heads.entrySet().stream().min(java.util.Comparator.comparingLong(e -> e.getValue().touched))
                                .ifPresent(oldest -> {
                                    heads.remove(oldest.getKey());
                                    registry.remove(oldest.getValue().gauge);
                                });
                    }
                    StoreHead created = new StoreHead();
                    created.gauge = Gauge.builder(STORE_HEAD, created.value, AtomicLong::get)
                            .tag("store", storeId.value())
                            .description("Highest seqNum seen for the store on this node").register(registry);
                    heads.put(storeId, created);
                    head = created;
                }
            }
        }
        head.touched = System.nanoTime();
        head.value.accumulateAndGet(seqNum, Math::max);
    }

    /**
     * Removes the {@code eventsync_store_head} series of {@code storeId} from {@code registry} (after the store was
     * deleted or reset on this node): it no longer shows the old head, and the next push or pull of the store starts
     * a new series at the store's new head.
     */
    public static void forgetStore(MeterRegistry registry, StoreId storeId) {
        registry.find(STORE_HEAD).tag("store", storeId.value()).meters().forEach(registry::remove);
    }

    /** One store's head series. */
    private static final class StoreHead {
        final AtomicLong value = new AtomicLong();
        volatile long touched = System.nanoTime();
        Gauge gauge;
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
