package dev.eventsync.core;

import dev.eventsync.api.Capabilities;
import dev.eventsync.api.ConnectionState;
import dev.eventsync.api.Event;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.PushResult;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.spi.transport.CallContext;
import dev.eventsync.spi.transport.SyncService;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * A {@link SyncBackend} that talks to a {@link SyncService} in the same JVM: for embedding Eventsync in
 * an application, and for tests. It is "connected" from {@link #connect()} until {@link #close()}; closing
 * ends its open pulls with {@code Unavailable}.
 */
public final class LocalSyncBackend implements dev.eventsync.api.SyncBackend {

    private final SyncService service;
    private final CallContext context;
    private final Set<Flow.Subscription> openPulls = ConcurrentHashMap.newKeySet();
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;

    public LocalSyncBackend(SyncService service, StoreId storeId) {
        this(service, CallContext.local(storeId));
    }

    public LocalSyncBackend(SyncService service, CallContext context) {
        this.service = Objects.requireNonNull(service, "service");
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public StoreId storeId() {
        return context.storeId();
    }

    @Override
    public CompletionStage<Void> connect() {
        if (state == ConnectionState.CLOSED) {
            return closedFailure();
        }
        return service.ping(context).thenRun(() -> setState(ConnectionState.CONNECTED));
    }

    @Override
    public Flow.Publisher<PullPage> pull(Optional<PullCursor> cursor, boolean live) {
        Flow.Publisher<PullPage> upstream = service.pull(context, cursor, live);
        return subscriber -> {
            if (state == ConnectionState.CLOSED) {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(new SyncErrorException(closedError()));
                return;
            }
            upstream.subscribe(new Tracking(subscriber));
        };
    }

    @Override
    public CompletionStage<PushResult> push(List<Event> batch, Optional<String> backendId) {
        if (state == ConnectionState.CLOSED) {
            return closedFailure();
        }
        return service.push(context, batch, backendId);
    }

    @Override
    public CompletionStage<Void> ping() {
        if (state == ConnectionState.CLOSED) {
            return closedFailure();
        }
        return service.ping(context);
    }

    @Override
    public ConnectionState connectionState() {
        return state;
    }

    @Override
    public AutoCloseable onConnectionState(Consumer<ConnectionState> listener) {
        listeners.add(listener);
        listener.accept(state);
        return () -> listeners.remove(listener);
    }

    @Override
    public Capabilities supports() {
        return new Capabilities(true, true);
    }

    @Override
    public void close() {
        if (state == ConnectionState.CLOSED) {
            return;
        }
        setState(ConnectionState.CLOSED);
        for (Flow.Subscription subscription : List.copyOf(openPulls)) {
            subscription.cancel();
        }
    }

    private void setState(ConnectionState next) {
        if (state == ConnectionState.CLOSED || state == next) {
            return;
        }
        state = next;
        listeners.forEach(listener -> listener.accept(next));
    }

    private static SyncError closedError() {
        return new SyncError.Unavailable("this sync backend is closed");
    }

    private static <T> CompletionStage<T> closedFailure() {
        return CompletableFuture.failedFuture(new SyncErrorException(closedError()));
    }

    /**
     * Remembers the pull so that {@link #close()} can end it, and tells the subscriber why it ended.
     * The close error never overlaps a page being delivered: when {@link #close()} finds the subscriber
     * inside {@code onNext}, the error follows when {@code onNext} returns. No lock is held while the
     * subscriber is called, so {@code cancel} and {@link #close()} never wait for a busy subscriber
     * (Reactive Streams rule 3.5).
     */
    private final class Tracking implements Flow.Subscriber<PullPage>, Flow.Subscription {
        private final Flow.Subscriber<? super PullPage> downstream;
        private volatile Flow.Subscription upstream;
        // guarded by this
        private boolean done;
        private boolean inOnNext;
        private boolean closeErrorPending;

        Tracking(Flow.Subscriber<? super PullPage> downstream) {
            this.downstream = downstream;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            upstream = subscription;
            openPulls.add(this);
            downstream.onSubscribe(this);
            if (state == ConnectionState.CLOSED) {
                cancel(); // the backend closed while this pull subscribed: close() may not have seen it
            }
        }

        @Override
        public void onNext(PullPage item) {
            synchronized (this) {
                if (done) {
                    return;
                }
                inOnNext = true;
            }
            try {
                downstream.onNext(item);
            } catch (RuntimeException e) {
                synchronized (this) {
                    inOnNext = false;
                    closeErrorPending = false;
                }
                throw e;
            }
            boolean closeError;
            synchronized (this) {
                inOnNext = false;
                closeError = closeErrorPending;
                closeErrorPending = false;
            }
            if (closeError) {
                downstream.onError(new SyncErrorException(closedError()));
            }
        }

        @Override
        public void onError(Throwable throwable) {
            synchronized (this) {
                if (!finish()) {
                    return;
                }
            }
            downstream.onError(throwable);
        }

        @Override
        public void onComplete() {
            synchronized (this) {
                if (!finish()) {
                    return;
                }
            }
            downstream.onComplete();
        }

        @Override
        public void request(long n) {
            upstream.request(n);
        }

        @Override
        public void cancel() {
            boolean closing = state == ConnectionState.CLOSED;
            upstream.cancel();
            synchronized (this) {
                if (!finish() || !closing) {
                    return;
                }
                if (inOnNext) {
                    closeErrorPending = true; // delivered by onNext when it returns
                    return;
                }
            }
            downstream.onError(new SyncErrorException(closedError()));
        }

        /** Marks the pull ended; false if it already was. Called holding this. */
        private boolean finish() {
            if (done) {
                return false;
            }
            done = true;
            openPulls.remove(this);
            return true;
        }
    }
}
