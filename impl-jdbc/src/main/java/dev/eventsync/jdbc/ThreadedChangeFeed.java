package dev.eventsync.jdbc;

import java.sql.Connection;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What both JDBC change feeds share: their listeners, one daemon thread that starts with the first subscriber and
 * runs {@link #runFeed()} while {@link #running()}, and one connection of their own, outside the pool, closed
 * with the feed. {@link #close()} stops the thread (interrupting it, waiting up to 5 s) and closes the connection.
 */
abstract class ThreadedChangeFeed implements JdbcChangeFeed {

    /** The listeners; the feed's thread notifies them. */
    final FeedListeners listeners = new FeedListeners();
    /** The feed's own connection, when open; set and cleared by the feed's thread (and by close). */
    volatile Connection connection;

    private final String threadName;
    private final Object lifecycle = new Object();
    private Thread thread;
    private volatile boolean running;

    ThreadedChangeFeed(String threadName) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
    }

    /** The feed's loop: returns when {@link #running()} turns false (or its thread is interrupted). */
    abstract void runFeed();

    final boolean running() {
        return running;
    }

    @Override
    public final AutoCloseable subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        AutoCloseable handle = listeners.add(listener);
        synchronized (lifecycle) {
            if (thread == null) {
                running = true;
                thread = new Thread(this::runFeed, threadName);
                thread.setDaemon(true);
                thread.start();
            }
        }
        return handle;
    }

    @Override
    public final void close() {
        Thread feed;
        synchronized (lifecycle) {
            running = false;
            feed = thread;
            thread = null;
        }
        if (feed == null) {
            return;
        }
        closeConnection(); // unblocks a thread waiting on the database
        feed.interrupt();
        try {
            feed.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }

    /** Closes the feed's connection, quietly: it is being replaced or the feed is closing. */
    final void closeConnection() {
        Connection current = connection;
        connection = null;
        FeedListeners.closeQuietly(current);
    }
}
