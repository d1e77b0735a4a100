package dev.eventsync.core;

import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.spi.storage.StorageUnavailableException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the engine's work runs and how it fails: the bounded worker pool (or an injected executor), the
 * running/closed/stopped states of a shutdown, and {@link #toSyncError}, the one function that turns any
 * failure into the typed {@link SyncError} a caller of the engine sees.
 */
final class Execution {

    private static final Logger LOG = LoggerFactory.getLogger(Execution.class);

    private final ExecutorService workers;
    private volatile boolean closed;
    /** Set when the shutdown grace ran out: tasks still queued answer at once without touching storage. */
    private volatile boolean stopped;

    Execution(ExecutorService workers) {
        this.workers = workers;
    }

    /** The default pool: {@code workerThreads} threads, {@code queueCapacity} waiting tasks, then refusal. */
    static ExecutorService newWorkerPool(EngineSettings settings) {
        AtomicInteger counter = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(settings.workerThreads(), settings.workerThreads(),
                30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(settings.queueCapacity()), runnable -> {
                    Thread thread = new Thread(runnable, "eventsync-worker-" + counter.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    boolean closed() {
        return closed;
    }

    /** Runs {@code task} on a worker; its failures arrive typed. A full pool answers {@code Unavailable} at once. */
    <T> CompletableFuture<T> onWorker(Supplier<T> task) {
        try {
            return CompletableFuture.supplyAsync(() -> guarded(() -> {
                checkRunning();
                return task.get();
            }), executor());
        } catch (RuntimeException e) {
            // supplyAsync hands the task over on the caller's thread: a full pool or a closed engine throws here
            return CompletableFuture.failedFuture(typed(e));
        }
    }

    /** The workers; refuses with {@code Unavailable} once the engine is shutting down. */
    ExecutorService executor() {
        if (closed) {
            throw new SyncErrorException(shuttingDown());
        }
        return workers;
    }

    /** The workers even while shutting down, for work that must still run (publishing appends). */
    ExecutorService executorWhileClosing() {
        return workers;
    }

    /** Refuses with {@code Unavailable} when the shutdown grace has run out. */
    void checkRunning() {
        if (stopped) {
            throw new SyncErrorException(shuttingDown());
        }
    }

    /** Refuses new work from now on; work already handed over goes on. */
    void close() {
        closed = true;
    }

    /**
     * Stops the workers: waits up to {@code grace} for running and queued tasks, then interrupts the running
     * ones and answers the queued ones. Each queued task checks {@link #checkRunning} first, so running it
     * here only completes its caller's stage with {@code Unavailable}; dropping it instead would leave that
     * stage incomplete forever.
     */
    void stop(Duration grace) {
        closed = true;
        workers.shutdown();
        try {
            if (workers.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopped = true;
        List<Runnable> queued = workers.shutdownNow();
        LOG.warn("work still running after the shutdown grace; answering {} queued tasks with Unavailable",
                queued.size());
        for (Runnable task : queued) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.warn("answering a queued task at shutdown failed", e);
            }
        }
    }

    /** Runs {@code task} here, turning every failure into a {@link SyncErrorException}. */
    static <T> T guarded(Supplier<T> task) {
        try {
            return task.get();
        } catch (RuntimeException e) {
            throw typed(e);
        }
    }

    /** {@code failure} as a typed exception, by {@link #toSyncError}; a typed one passes through as it is. */
    static SyncErrorException typed(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof SyncErrorException e) {
            return e;
        }
        return new SyncErrorException(toSyncError(cause), cause);
    }

    /**
     * The one mapping of failures to the protocol's errors: a typed failure keeps its error; a storage outage
     * ({@link StorageUnavailableException}) and a full pool are {@code Unavailable} (retry later); anything
     * else is a bug, logged with its stack trace and reported as {@code Unavailable} without internals.
     */
    static SyncError toSyncError(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof SyncErrorException e) {
            return e.error();
        }
        if (cause instanceof StorageUnavailableException) {
            // the detail (SQL, host names, database messages) is for the operator's log, never for clients
            LOG.warn("storage unavailable: {}", cause.getMessage());
            return new SyncError.Unavailable("the storage is unavailable");
        }
        if (cause instanceof RejectedExecutionException) {
            return new SyncError.Unavailable("the server is overloaded");
        }
        LOG.error("engine call failed unexpectedly", cause);
        return new SyncError.Unavailable("the server failed unexpectedly; the server log has the details");
    }

    /** A failure's message for logs and health reports. */
    static String describe(Throwable failure) {
        return toSyncError(failure).message();
    }

    static void raise(SyncError error) {
        throw new SyncErrorException(error);
    }

    static <T> CompletableFuture<T> failed(SyncError error) {
        return CompletableFuture.failedFuture(new SyncErrorException(error));
    }

    static SyncError shuttingDown() {
        return new SyncError.Unavailable("the server is shutting down");
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
