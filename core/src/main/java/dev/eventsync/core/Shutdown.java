package dev.eventsync.core;

import java.time.Duration;
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
    private final OpenPulls pulls;

    /** @param changeFeedHandle closes this node's subscription to the storage's change feed */
    Shutdown(Execution execution, AutoCloseable changeFeedHandle, StoreChannels channels, OpenPulls pulls) {
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
        pulls.failAll(Execution.shuttingDown());
        execution.stop(grace);
    }
}
