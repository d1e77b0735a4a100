package dev.eventsync.tck;

import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

/**
 * The kit's subscriber to a pull: records every page and signal, checks the Reactive Streams rules the
 * kit relies on (no more pages than requested, nothing after a terminal signal, one onSubscribe) and
 * reports breaches to its {@link Trial} as errors on another thread. In auto mode it requests one more
 * page after each page, so demand is always exercised.
 */
public final class PullProbe implements Flow.Subscriber<PullPage> {

    private final String name;
    private final Trial trial;
    private final long initialRequest;
    private final boolean autoRequest;

    private Flow.Subscription subscription;
    private long requested;
    private long delivered;
    private final List<PullPage> pages = new ArrayList<>();
    private boolean completed;
    private Throwable error;
    private boolean cancelled;
    private int pagesAfterCancel;

    private PullProbe(String name, Trial trial, long initialRequest, boolean autoRequest) {
        this.name = name;
        this.trial = Objects.requireNonNull(trial, "trial");
        this.initialRequest = initialRequest;
        this.autoRequest = autoRequest;
    }

    /** A probe that keeps a few pages of demand outstanding. */
    public static PullProbe auto(String name, Trial trial) {
        return new PullProbe(name, trial, 2, true);
    }

    /** A probe that requests {@code initialRequest} pages and then only what the test requests. */
    public static PullProbe manual(String name, Trial trial, long initialRequest) {
        return new PullProbe(name, trial, initialRequest, false);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        long initial;
        synchronized (this) {
            if (subscription != null) {
                trial.flop(name + ": onSubscribe called twice");
                s.cancel();
                return;
            }
            subscription = s;
            requested = initialRequest;
            initial = initialRequest;
            notifyAll();
        }
        if (initial > 0) {
            s.request(initial);
        }
    }

    @Override
    public void onNext(PullPage page) {
        Flow.Subscription s;
        synchronized (this) {
            if (page == null) {
                trial.flop(name + ": onNext(null)");
                return;
            }
            if (completed || error != null) {
                trial.flop(name + ": onNext after a terminal signal: " + Describe.page(page));
                return;
            }
            if (cancelled) {
                pagesAfterCancel++;
                return;
            }
            if (delivered >= requested) {
                trial.flop(name + ": page #" + (delivered + 1) + " delivered but only " + requested + " requested");
            }
            delivered++;
            pages.add(page);
            s = autoRequest ? subscription : null;
            if (autoRequest) {
                requested++;
            }
            notifyAll();
        }
        if (s != null) {
            s.request(1);
        }
    }

    @Override
    public synchronized void onError(Throwable throwable) {
        if (completed || error != null) {
            trial.flop(name + ": onError after a terminal signal: " + throwable);
            return;
        }
        error = throwable == null ? new NullPointerException("onError(null)") : throwable;
        notifyAll();
    }

    @Override
    public synchronized void onComplete() {
        if (completed || error != null) {
            trial.flop(name + ": onComplete after a terminal signal");
            return;
        }
        completed = true;
        notifyAll();
    }

    /** Requests {@code n} more pages. */
    public void request(long n) {
        Flow.Subscription s;
        synchronized (this) {
            requested += n;
            s = subscription;
        }
        if (s != null) {
            s.request(n);
        }
    }

    /** Cancels the pull. */
    public void cancel() {
        Flow.Subscription s;
        synchronized (this) {
            cancelled = true;
            s = subscription;
        }
        if (s != null) {
            s.cancel();
        }
    }

    /** Waits until {@code condition} holds for this probe, at most {@code timeout}; whether it held. */
    public synchronized boolean awaitUntil(Predicate<PullProbe> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Waits for onComplete or onError. */
    public boolean awaitTerminal(Duration timeout) throws InterruptedException {
        return awaitUntil(PullProbe::isTerminated, timeout);
    }

    /** Waits until the probe has an event with seqNum at least {@code seqNum} (or is terminated). */
    public boolean awaitSeqNum(long seqNum, Duration timeout) throws InterruptedException {
        return awaitUntil(p -> p.isTerminated() || p.lastSeqNum().orElse(-1) >= seqNum, timeout);
    }

    /** Waits until the probe has received a NoMore page (or is terminated). */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return awaitUntil(p -> p.isTerminated() || p.isCaughtUp(), timeout);
    }

    public String name() {
        return name;
    }

    public synchronized List<PullPage> pages() {
        return List.copyOf(pages);
    }

    /** The events of all pages, in order of arrival. */
    public synchronized List<StoredEvent> events() {
        List<StoredEvent> events = new ArrayList<>();
        pages.forEach(p -> events.addAll(p.batch()));
        return events;
    }

    public synchronized List<Long> seqNums() {
        List<Long> seqNums = new ArrayList<>();
        pages.forEach(p -> p.batch().forEach(e -> seqNums.add(e.seqNum())));
        return seqNums;
    }

    public synchronized OptionalLong lastSeqNum() {
        for (int i = pages.size() - 1; i >= 0; i--) {
            if (!pages.get(i).batch().isEmpty()) {
                return pages.get(i).lastSeqNum();
            }
        }
        return OptionalLong.empty();
    }

    public synchronized boolean isCaughtUp() {
        return pages.stream().anyMatch(p -> p.pageInfo() instanceof PageInfo.NoMore);
    }

    public synchronized boolean isCompleted() {
        return completed;
    }

    public synchronized Optional<Throwable> error() {
        return Optional.ofNullable(error);
    }

    public synchronized boolean isTerminated() {
        return completed || error != null;
    }

    public synchronized boolean isSubscribed() {
        return subscription != null;
    }

    public synchronized int pagesAfterCancel() {
        return pagesAfterCancel;
    }

    @Override
    public synchronized String toString() {
        return name + " " + Describe.pages(pages) + (completed ? " completed" : "")
                + (error != null ? " error " + error : "") + (cancelled ? " cancelled" : "");
    }
}
