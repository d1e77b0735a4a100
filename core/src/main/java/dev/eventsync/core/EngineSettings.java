package dev.eventsync.core;

/**
 * How the engine runs its work.
 *
 * @param workerThreads  threads of the bounded pool that runs storage calls and pull delivery
 * @param queueCapacity  tasks that may wait for a worker; beyond that, requests fail fast with
 *                       {@code Unavailable} ("overloaded") instead of piling up
 * @param readBatchSize  events read from storage at once when catching up live pulls with appends made
 *                       by other nodes
 * @param maxIdleStores  stores with no push, pull or administration in progress whose state (head, backendId,
 *                       admission queue) the engine keeps in memory; past it, the store idle the longest is
 *                       released and read again from storage on its next use. {@code 0} releases a store as soon
 *                       as it is idle. Stores in use are never released, so this bounds only idle state
 */
public record EngineSettings(int workerThreads, int queueCapacity, int readBatchSize, int maxIdleStores) {

    /** Default of {@link #maxIdleStores()}. */
    public static final int DEFAULT_MAX_IDLE_STORES = 1_000;

    public static final EngineSettings DEFAULTS =
            new EngineSettings(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 10_000, 1_000,
                    DEFAULT_MAX_IDLE_STORES);

    public EngineSettings {
        if (workerThreads <= 0 || queueCapacity <= 0 || readBatchSize <= 0) {
            throw new IllegalArgumentException("engine settings must be positive: " + workerThreads + ", "
                    + queueCapacity + ", " + readBatchSize);
        }
        if (maxIdleStores < 0) {
            throw new IllegalArgumentException("maxIdleStores must be 0 or more, got " + maxIdleStores);
        }
    }

    /** Settings with the default {@link #maxIdleStores()}. */
    public EngineSettings(int workerThreads, int queueCapacity, int readBatchSize) {
        this(workerThreads, queueCapacity, readBatchSize, DEFAULT_MAX_IDLE_STORES);
    }

    public EngineSettings withMaxIdleStores(int value) {
        return new EngineSettings(workerThreads, queueCapacity, readBatchSize, value);
    }
}
