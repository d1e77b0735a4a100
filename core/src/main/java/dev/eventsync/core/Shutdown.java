package dev.eventsync.core;

import dev.eventsync.api.SyncError;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's stop (behind {@link SyncEngine#shutdown}), in this order: refuse new requests, stop following
 * other nodes' appends, let admitted pushes finish within the grace, end every open pull with
 * {@code Unavailable}, stop the workers. Runs once; later calls return at once. The storage is not closed.
 */
final class Shutdown {

    private static final Logger LOG = LoggerFactory.getLogger(Shutdown.class);

    private final Execution execution;
    private final AutoCloseable changeFeedHandle;
    private final StoreChannels channels;
    private final Collection<PullSubscription> pulls;

    /**
     * @param changeFeedHandle closes this node's subscription to the storage's change feed
     * @param pulls a live view of the pulls open on this node
     */
    Shutdown(Execution execution, AutoCloseable changeFeedHandle, StoreChannels channels,
             Collection<PullSubscription> pulls) {
        this.execution = execution;
        this.changeFeedHandle = changeFeedHandle;
        this.channels = channels;
        this.pulls = pulls;
    }

    void run(Duration grace) {
        if (execution.closed()) {
            return;
        }
        execution.close();
        try {
            changeFeedHandle.close();
        } catch (Exception e) {
            LOG.warn("closing the change feed failed", e);
        }
        channels.awaitIdle(grace);
        SyncError shuttingDown = Execution.shuttingDown();
        for (PullSubscription pull : List.copyOf(pulls)) {
            pull.fail(shuttingDown);
        }
        execution.stop(grace);
    }
}
