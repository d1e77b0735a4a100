package dev.eventsync.core;

import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.transport.CallContext;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pull: reads the backlog from storage page by page, then (for a live pull) receives every batch
 * the store publishes, through a bounded buffer.
 *
 * <p>States: <em>catch-up</em> reads pages from storage after {@code delivered}, the seqNum of the last
 * event handed to the subscriber; when a read finds no more, a live pull asks its {@link StoreChannel}
 * to go <em>live</em>. Live, published events above {@code queuedUpTo} are buffered; if the buffer would
 * exceed {@link SyncLimits#liveBufferEvents()}, it is dropped whole and the pull goes back to catch-up
 * from {@code delivered}: a slow subscriber is never dropped, never fed out of order, and never holds a
 * push back.
 *
 * <p>Signals to the subscriber are serialised by a work-in-progress counter ({@code drain}); they are
 * never issued while a lock is held. Pages are only delivered against demand ({@code request(n)} counts
 * pages).
 */
final class PullSubscription implements Flow.Subscription {

    private static final Logger LOG = LoggerFactory.getLogger(PullSubscription.class);

    /** What {@link #offer} did with published events. */
    enum Offer { QUEUED, NOTHING_NEW, OVERFLOWED, GONE }

    private enum Mode { CATCH_UP, LIVE }

    /** Reads one page from storage; supplied by the engine. */
    interface PageSource {
        /**
         * Validates the start of the pull on the first call, then reads the page after {@code after}.
         * Throws {@link SyncErrorException} for a typed failure.
         */
        ReadResult read(PullSubscription subscription, boolean first, long after);

        /** Schedules {@code task} on the worker pool; throws when the pool refuses it. */
        void execute(Runnable task);

        /** Who pulls (for the admin API's list of live clients). */
        CallContext context();
    }

    /**
     * Where a pull is, for the admin API: the seqNum of the last event handed to the subscriber, whether it
     * receives published batches (live) or reads from storage (catch-up), and since when it exists.
     */
    record Position(long delivered, boolean live, Instant since) {
    }

    /** A page read from storage: its events and how many events followed it at read time. */
    record ReadResult(List<StoredEvent> events, long remaining, String backendId) {
    }

    private final Flow.Subscriber<? super PullPage> subscriber;
    private final StoreChannel channel;
    private final PageSource source;
    private final SyncLimits limits;
    private final boolean live;
    private final Runnable onTerminate;
    private final AtomicInteger wip = new AtomicInteger();
    private final Instant since = Instant.now();

    // guarded by this
    private long demand;
    private Mode mode = Mode.CATCH_UP;
    private boolean started;
    private boolean readInFlight;
    private PullPage readyPage;
    private boolean readyIsLast;
    private long delivered;
    private long queuedUpTo;
    private final ArrayDeque<SizedEvent> buffer = new ArrayDeque<>();
    private boolean caughtUpOnce;
    private String backendId = "";
    private Throwable failure;
    private boolean cancelled;
    private boolean terminated;

    PullSubscription(Flow.Subscriber<? super PullPage> subscriber, StoreChannel channel, PageSource source,
                     SyncLimits limits, boolean live, long after, Runnable onTerminate) {
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
        this.channel = channel;
        this.source = source;
        this.limits = limits;
        this.live = live;
        this.delivered = after;
        this.queuedUpTo = after;
        this.onTerminate = onTerminate;
    }

    StoreChannel channel() {
        return channel;
    }

    CallContext context() {
        return source.context();
    }

    synchronized Position position() {
        return new Position(delivered, mode == Mode.LIVE, since);
    }

    @Override
    public void request(long n) {
        synchronized (this) {
            if (n <= 0) {
                failure = new IllegalArgumentException("request(n) needs n > 0, got " + n
                        + " (Reactive Streams rule 3.9)");
            } else {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
        }
        drain();
    }

    @Override
    public void cancel() {
        synchronized (this) {
            cancelled = true;
        }
        drain();
    }

    /** Ends the pull with {@code error} (store reset, shutdown). */
    void fail(SyncError error) {
        synchronized (this) {
            if (failure == null) {
                failure = new SyncErrorException(error);
            }
        }
        drain();
    }

    /** Called by the channel, under its lock, when this pull is registered as live. */
    synchronized void enterLive() {
        mode = Mode.LIVE;
        queuedUpTo = delivered;
    }

    /** Called by the channel, under its lock, with every published batch while this pull is live. */
    synchronized Offer offer(List<SizedEvent> events) {
        if (terminated || cancelled || failure != null || mode != Mode.LIVE) {
            return Offer.GONE;
        }
        boolean added = false;
        for (SizedEvent event : events) {
            if (event.seqNum() <= queuedUpTo) {
                continue; // already read from storage during catch-up
            }
            if (buffer.size() >= limits.liveBufferEvents()) {
                LOG.debug("store {}: live pull fell {} events behind; switching it back to catch-up from {}",
                        channel.storeId, buffer.size(), delivered);
                buffer.clear();
                mode = Mode.CATCH_UP;
                queuedUpTo = delivered;
                return Offer.OVERFLOWED;
            }
            buffer.add(event);
            queuedUpTo = event.seqNum();
            added = true;
        }
        return added ? Offer.QUEUED : Offer.NOTHING_NEW;
    }

    /** Delivers whatever can be delivered now; any thread, never while holding a lock. */
    void drain() {
        if (wip.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        do {
            drainLoop();
            missed = wip.addAndGet(-missed);
        } while (missed != 0);
    }

    private void drainLoop() {
        for (;;) {
            PullPage page = null;
            boolean complete = false;
            boolean startRead = false;
            boolean tryLive = false;
            boolean first = false;
            boolean cancelNow = false;
            Throwable error = null;
            long readAfter;
            synchronized (this) {
                if (terminated) {
                    return;
                }
                readAfter = delivered;
                if (cancelled) {
                    terminated = true;
                    cancelNow = true;
                } else if (failure != null) {
                    terminated = true;
                    error = failure;
                } else if (readyPage != null && readyPage.isEmpty() && caughtUpOnce) {
                    // nothing new since the last NoMore page: no need to tell the subscriber again
                    readyPage = null;
                    tryLive = live;
                } else if (readyPage != null && demand > 0) {
                    page = readyPage;
                    readyPage = null;
                    demand--;
                    page.lastSeqNum().ifPresent(last -> delivered = last);
                    if (readyIsLast) {
                        caughtUpOnce = true;
                        complete = !live;
                        terminated = complete;
                        tryLive = live;
                    }
                } else if (mode == Mode.LIVE && demand > 0 && !buffer.isEmpty()) {
                    page = takeLivePage();
                    demand--;
                } else if (mode == Mode.CATCH_UP && demand > 0 && readyPage == null && !readInFlight) {
                    readInFlight = true;
                    startRead = true;
                    first = !started;
                    started = true;
                } else {
                    return;
                }
            }
            if (cancelNow) {
                finish();
                return;
            }
            if (error != null) {
                Throwable cause = error;
                finish();
                terminate(() -> subscriber.onError(cause), "onError");
                return;
            }
            if (page != null && !emit(page)) {
                return;
            }
            if (complete) {
                finish();
                terminate(subscriber::onComplete, "onComplete");
                return;
            }
            if (tryLive) {
                channel.goLive(this, delivered());
            }
            if (startRead) {
                scheduleRead(first, readAfter);
            }
        }
    }

    private synchronized long delivered() {
        return delivered;
    }

    /** The backendId this pull has been serving, empty before its first page. */
    synchronized String backendId() {
        return backendId;
    }

    private boolean emit(PullPage page) {
        try {
            subscriber.onNext(page);
            return true;
        } catch (RuntimeException e) {
            // Reactive Streams rule 2.13: a throwing subscriber is treated as cancelled
            LOG.warn("store {}: pull subscriber threw from onNext; cancelling the pull", channel.storeId, e);
            synchronized (this) {
                cancelled = true;
                terminated = true;
            }
            finish();
            return false;
        }
    }

    /**
     * Delivers a terminal signal. A subscriber that throws from it breaks Reactive Streams rule 2.13; the
     * failure is logged and goes no further, so that whoever ended the pull (a reset, the shutdown, a
     * worker) goes on with the other pulls.
     */
    private void terminate(Runnable signal, String name) {
        try {
            signal.run();
        } catch (RuntimeException e) {
            LOG.warn("store {}: pull subscriber threw from {}", channel.storeId, name, e);
        }
    }

    private PullPage takeLivePage() {
        int n = SizedEvent.fitting(buffer, limits.maxPullEvents(), limits.maxPullBytes());
        List<StoredEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            events.add(buffer.pollFirst().event());
        }
        delivered = events.get(events.size() - 1).seqNum();
        return new PullPage(events, PageInfo.NO_MORE, backendId);
    }

    private void scheduleRead(boolean first, long after) {
        try {
            source.execute(() -> read(first, after));
        } catch (RuntimeException rejected) {
            synchronized (this) {
                readInFlight = false;
                // a typed refusal (the engine is shutting down) says more than "overloaded"
                failure = rejected instanceof SyncErrorException typed ? typed
                        : new SyncErrorException(new SyncError.Unavailable("the server is overloaded"), rejected);
            }
            drain();
        }
    }

    private void read(boolean first, long after) {
        try {
            ReadResult result = source.read(this, first, after);
            synchronized (this) {
                readInFlight = false;
                backendId = result.backendId();
                PageInfo info = caughtUpOnce ? PageInfo.NO_MORE : PageInfo.moreKnown(result.remaining());
                readyPage = new PullPage(result.events(), info, result.backendId());
                readyIsLast = result.remaining() == 0;
            }
        } catch (RuntimeException e) {
            synchronized (this) {
                readInFlight = false;
                failure = e;
            }
        }
        drain();
    }

    private void finish() {
        channel.leave(this);
        onTerminate.run();
    }
}
