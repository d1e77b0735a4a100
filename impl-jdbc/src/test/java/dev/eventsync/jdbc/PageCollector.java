package dev.eventsync.jdbc;

import static org.assertj.core.api.Assertions.fail;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Subscribes to a pull, keeps every event it delivers, and lets a test wait for a condition. */
final class PageCollector implements Flow.Subscriber<PullPage> {

    private final List<StoredEvent> events = new ArrayList<>();
    private int pages;
    private final List<String> backendIds = new ArrayList<>();
    private Throwable error;
    private Flow.Subscription subscription;

    @Override
    public synchronized void onSubscribe(Flow.Subscription value) {
        subscription = value;
        value.request(Long.MAX_VALUE);
    }

    @Override
    public synchronized void onNext(PullPage page) {
        pages++;
        backendIds.add(page.backendId());
        events.addAll(page.batch());
        notifyAll();
    }

    @Override
    public synchronized void onError(Throwable throwable) {
        error = throwable;
        notifyAll();
    }

    @Override
    public synchronized void onComplete() {
        notifyAll();
    }

    synchronized List<StoredEvent> events() {
        return List.copyOf(events);
    }

    synchronized List<Long> seqNums() {
        return events.stream().map(StoredEvent::seqNum).toList();
    }

    /** Waits until {@code condition} holds for the events so far (and at least one page came). */
    synchronized void await(Predicate<List<StoredEvent>> condition, long seconds, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (error == null && (pages == 0 || !condition.test(events))) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                fail("timed out after " + seconds + " s waiting for " + what + "; got seqNums "
                        + events.stream().map(StoredEvent::seqNum).toList());
            }
            wait(left);
        }
        if (error != null) {
            fail("the pull failed while waiting for " + what, error);
        }
    }

    /** The backendId of every page so far. */
    synchronized List<String> backendIds() {
        return List.copyOf(backendIds);
    }

    /** Waits until the pull ends with an error and returns it. */
    synchronized Throwable awaitError(long seconds, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (error == null) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                fail("timed out after " + seconds + " s waiting for " + what + "; got seqNums "
                        + events.stream().map(StoredEvent::seqNum).toList());
            }
            wait(left);
        }
        return error;
    }

    synchronized void cancel() {
        if (subscription != null) {
            subscription.cancel();
        }
    }
}
