package dev.eventsync.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** A subscriber for tests: records pages, requests on command, waits for conditions. */
final class PullProbe implements Flow.Subscriber<PullPage> {

    static final Duration TIMEOUT = Duration.ofSeconds(20);

    final List<PullPage> pages = new CopyOnWriteArrayList<>();
    final List<String> protocolViolations = new CopyOnWriteArrayList<>();
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile Flow.Subscription subscription;
    private volatile Throwable error;
    private volatile boolean completed;
    private volatile boolean inOnNext;

    static PullProbe unbounded() {
        PullProbe probe = new PullProbe();
        probe.autoRequest = true;
        return probe;
    }

    private volatile boolean autoRequest;

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        subscribed.countDown();
        if (autoRequest) {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(PullPage page) {
        if (inOnNext) {
            protocolViolations.add("overlapping onNext");
        }
        if (terminated.getCount() == 0) {
            protocolViolations.add("onNext after termination");
        }
        inOnNext = true;
        pages.add(page);
        inOnNext = false;
    }

    @Override
    public void onError(Throwable throwable) {
        error = throwable;
        terminated.countDown();
    }

    @Override
    public void onComplete() {
        completed = true;
        terminated.countDown();
    }

    void request(long n) {
        awaitSubscribed();
        subscription.request(n);
    }

    void cancel() {
        awaitSubscribed();
        subscription.cancel();
    }

    private void awaitSubscribed() {
        try {
            assertThat(subscribed.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("onSubscribe called").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    List<StoredEvent> events() {
        List<StoredEvent> all = new ArrayList<>();
        pages.forEach(p -> all.addAll(p.batch()));
        return all;
    }

    List<Long> seqNums() {
        return events().stream().map(StoredEvent::seqNum).toList();
    }

    PullProbe awaitTermination() {
        try {
            assertThat(terminated.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).as("pull terminated").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        return this;
    }

    PullProbe awaitEvents(int count) {
        await(() -> events().size() >= count, "at least " + count + " events, got " + events().size());
        return this;
    }

    PullProbe awaitPages(int count) {
        await(() -> pages.size() >= count, "at least " + count + " pages, got " + pages.size());
        return this;
    }

    boolean isCompleted() {
        return completed;
    }

    Throwable error() {
        return error;
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
