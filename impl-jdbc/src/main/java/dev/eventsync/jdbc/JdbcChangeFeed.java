package dev.eventsync.jdbc;

import dev.eventsync.spi.storage.ChangeFeed;

/** A {@link ChangeFeed} that owns resources (a listening connection, a thread) released with the store. */
public interface JdbcChangeFeed extends ChangeFeed, AutoCloseable {

    /** Stops listening and releases the feed's connection and thread; idempotent. */
    @Override
    void close();
}
