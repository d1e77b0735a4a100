package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.PullPage;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A test subscriber: requests everything, queues pages, records how the pull ended. */
final class PageCollector implements Flow.Subscriber<PullPage> {

    final BlockingQueue<PullPage> pages = new LinkedBlockingQueue<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(PullPage page) {
        pages.add(page);
    }

    @Override
    public void onError(Throwable failure) {
        done.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        done.complete(null);
    }

    PullPage next() throws InterruptedException {
        PullPage page = pages.poll(10, TimeUnit.SECONDS);
        assertThat(page).as("a page within 10 s").isNotNull();
        return page;
    }

    /** The next page that carries events. */
    PullPage nextNonEmpty() throws InterruptedException {
        PullPage page = next();
        while (page.isEmpty()) {
            page = next();
        }
        return page;
    }
}
