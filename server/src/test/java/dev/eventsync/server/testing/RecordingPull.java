package dev.eventsync.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PullPage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A pull subscriber for the server's tests: requests everything, queues every page in {@link #pages} and
 * completes {@link #ended} when the pull ends (exceptionally with its error).
 */
public final class RecordingPull implements Flow.Subscriber<PullPage> {

    public final BlockingQueue<PullPage> pages = new LinkedBlockingQueue<>();
    public final CompletableFuture<Void> ended = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(PullPage page) {
        pages.add(page);
    }

    @Override
    public void onError(Throwable t) {
        ended.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        ended.complete(null);
    }

    /** Waits (20 s at most) until a page reaches {@code seqNum}; returns the last seqNum seen. */
    public long awaitSeqNum(long seqNum) throws InterruptedException {
        long last = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (last < seqNum && System.nanoTime() < deadline) {
            PullPage page = pages.poll(100, TimeUnit.MILLISECONDS);
            if (page != null && page.lastSeqNum().isPresent()) {
                last = page.lastSeqNum().getAsLong();
            }
        }
        assertThat(last).as("the pull reached seqNum %d", seqNum).isGreaterThanOrEqualTo(seqNum);
        return last;
    }

    /** Waits (30 s at most) for a pull that is not live to end; its pages, in order. */
    public List<PullPage> awaitAll() throws Exception {
        ended.get(30, TimeUnit.SECONDS);
        return new ArrayList<>(pages);
    }
}
