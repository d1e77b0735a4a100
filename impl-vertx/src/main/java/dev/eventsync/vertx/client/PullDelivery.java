package dev.eventsync.vertx.client;

import dev.eventsync.api.PullPage;
import io.vertx.core.Context;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;

/**
 * The subscriber side of one client pull: pages received from the server wait here until the subscriber has
 * demand, and only a delivered page is acknowledged to the server ({@link Listener#delivered}), which is what
 * paces the server. State is confined to the client's Vert.x context; subscriber signals run, in order, on
 * the client's callback executor so that a slow subscriber never blocks the event loop.
 */
final class PullDelivery implements Flow.Subscription {

    /** What the owning pull does when a page was handed over or the subscriber cancelled. */
    interface Listener {
        void delivered(PullPage page);

        void cancelled();
    }

    private final Context context;
    private final Executor callbacks;
    private final Flow.Subscriber<? super PullPage> subscriber;
    private final ArrayDeque<PullPage> buffer = new ArrayDeque<>();
    private Listener listener;
    private long demand;
    private boolean completeWhenDrained;
    private boolean terminated;

    PullDelivery(Context context, Executor callbacks, Flow.Subscriber<? super PullPage> subscriber) {
        this.context = context;
        this.callbacks = callbacks;
        this.subscriber = subscriber;
    }

    /** Attaches the listener and signals {@code onSubscribe}; call once, on the context. */
    void start(Listener value) {
        this.listener = value;
        callbacks.execute(() -> subscriber.onSubscribe(this));
    }

    @Override
    public void request(long n) {
        context.runOnContext(v -> {
            if (terminated) {
                return;
            }
            if (n <= 0) {
                fail(new IllegalArgumentException("request(n) needs n > 0, got " + n + " (Reactive Streams 3.9)"));
                listener.cancelled();
                return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            drain();
        });
    }

    @Override
    public void cancel() {
        context.runOnContext(v -> {
            if (!terminated) {
                terminated = true;
                buffer.clear();
                listener.cancelled();
            }
        });
    }

    /** A page from the server (on the context). */
    void offer(PullPage page) {
        if (!terminated) {
            buffer.add(page);
            drain();
        }
    }

    /** The server ended the pull; complete once the buffered pages are delivered (on the context). */
    void complete() {
        completeWhenDrained = true;
        drain();
    }

    /** Ends the pull with {@code failure} at once; undelivered pages are dropped (on the context). */
    void fail(Throwable failure) {
        if (terminated) {
            return;
        }
        terminated = true;
        buffer.clear();
        callbacks.execute(() -> subscriber.onError(failure));
    }

    /** Drops pages that were received but not delivered (a resubscription will fetch them again). */
    void dropBuffered() {
        buffer.clear();
    }

    boolean isTerminated() {
        return terminated;
    }

    boolean hasDemand() {
        return demand > 0;
    }

    int buffered() {
        return buffer.size();
    }

    private void drain() {
        while (!terminated && demand > 0 && !buffer.isEmpty()) {
            PullPage page = buffer.poll();
            demand--;
            listener.delivered(page);
            callbacks.execute(() -> subscriber.onNext(page));
        }
        if (!terminated && completeWhenDrained && buffer.isEmpty()) {
            terminated = true;
            callbacks.execute(subscriber::onComplete);
        }
    }
}
