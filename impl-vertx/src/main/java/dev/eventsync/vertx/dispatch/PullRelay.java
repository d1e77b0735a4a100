package dev.eventsync.vertx.dispatch;

import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.vertx.wire.RpcCodec;
import io.vertx.core.Context;
import java.util.Optional;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridges one pull from the {@link dev.eventsync.spi.transport.SyncService} to a transport: every signal hops
 * to the connection's event loop, each page is encoded once as a {@code Chunk}, and the next page is requested
 * (one at a time) only when the framing's {@link PullSink#mayRequest()} says so. All state is confined to the
 * event loop.
 */
public final class PullRelay implements Flow.Subscriber<PullPage> {

    private static final Logger LOG = LoggerFactory.getLogger(PullRelay.class);

    private final String id;
    private final boolean live;
    private final StoreId storeId;
    private final Context context;
    private final RpcCodec codec;
    private final TransportMetrics metrics;
    private final Transport transport;
    private final PullSink sink;
    private final String label;
    private Flow.Subscription subscription;
    private boolean requested;
    private boolean done;

    PullRelay(String id, boolean live, StoreId storeId, Context context, RpcCodec codec, TransportMetrics metrics,
              Transport transport, PullSink sink, String label) {
        this.id = id;
        this.live = live;
        this.storeId = storeId;
        this.context = context;
        this.codec = codec;
        this.metrics = metrics;
        this.transport = transport;
        this.sink = sink;
        this.label = label;
        if (live) {
            metrics.liveSubscriberOpened();
        }
    }

    /** The request id of the pull. */
    public String id() {
        return id;
    }

    /** Whether the pull stays open after the backlog. */
    public boolean live() {
        return live;
    }

    /** Whether the pull has ended (answered, failed, or cancelled). */
    public boolean done() {
        return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        context.runOnContext(v -> {
            if (done || subscription != null) {
                s.cancel();
                return;
            }
            subscription = s;
            pump();
        });
    }

    @Override
    public void onNext(PullPage page) {
        context.runOnContext(v -> {
            if (done) {
                return;
            }
            requested = false;
            metrics.pullPage(storeId, page, transport.label());
            sink.chunk(codec.chunk(id, page));
            pump();
        });
    }

    @Override
    public void onError(Throwable failure) {
        context.runOnContext(v -> {
            if (!finish()) {
                sink.exit(codec.exitFailure(id, Failures.errorOf(failure, LOG, label + ": pull " + id)));
            }
        });
    }

    @Override
    public void onComplete() {
        context.runOnContext(v -> {
            if (finish()) {
                return;
            }
            if (live) {
                LOG.info("{}: live pull {} ended by the service", label, id);
                sink.liveEnded();
            } else {
                sink.exit(codec.exitSuccess(id, Optional.empty()));
            }
        });
    }

    /** Requests the next page if none is outstanding and the sink has room; call it when room appears. */
    public void pump() {
        if (done || subscription == null || requested || !sink.mayRequest()) {
            return;
        }
        requested = true;
        subscription.request(1);
    }

    /** Ends the pull from the transport's side (client Interrupt, disconnect, shutdown): no more messages. */
    public void cancel() {
        if (finish()) {
            return;
        }
        if (subscription != null) {
            subscription.cancel();
        }
    }

    /** Ends the pull from the transport's side with {@code error} as its {@code Exit} failure. */
    public void fail(SyncError error) {
        if (finish()) {
            return;
        }
        if (subscription != null) {
            subscription.cancel();
        }
        sink.exit(codec.exitFailure(id, error));
    }

    /** Marks the pull done; true if it already was. */
    private boolean finish() {
        if (done) {
            return true;
        }
        done = true;
        if (live) {
            metrics.liveSubscriberClosed();
        }
        return false;
    }
}
