package dev.eventsync.jdbc;

import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.ChangeFeed.Listener;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listeners of one change feed ({@link PostgresChangeFeed}, {@link PollingChangeFeed}) and the fan-out of a
 * notification to all of them: a listener that throws is logged and never stops the others or the feed's thread.
 * Thread-safe.
 */
final class FeedListeners {

    private static final Logger LOG = LoggerFactory.getLogger(FeedListeners.class);

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    /** Adds {@code listener}; closing the handle removes it. */
    AutoCloseable add(Listener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void appended(StoreId storeId, long head) {
        each(listener -> listener.appended(storeId, head), "on store " + storeId + " head " + head);
    }

    void reset(StoreId storeId) {
        each(listener -> listener.reset(storeId), "on the reset of store " + storeId);
    }

    void resync() {
        each(Listener::resync, "to resync");
    }

    private void each(Consumer<Listener> call, String what) {
        for (Listener listener : listeners) {
            try {
                call.accept(listener);
            } catch (RuntimeException e) {
                LOG.error("Change feed listener failed {}", what, e);
            }
        }
    }

    /** Closes a feed's own connection, quietly: it is being replaced or the feed is closing. */
    static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the change feed connection failed: {}", e.getMessage());
            }
        }
    }
}
