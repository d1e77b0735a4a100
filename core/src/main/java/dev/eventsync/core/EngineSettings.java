package dev.eventsync.core;

/**
 * How the engine runs its work.
 *
 * @param workerThreads  threads of the bounded pool that runs storage calls and pull delivery
 * @param queueCapacity  tasks that may wait for a worker; beyond that, requests fail fast with
 *                       {@code Unavailable} ("overloaded") instead of piling up
 * @param readBatchSize  events read from storage at once when catching up live pulls with appends made
 *                       by other nodes
 */
public record EngineSettings(int workerThreads, int queueCapacity, int readBatchSize) {

    public static final EngineSettings DEFAULTS =
            new EngineSettings(Math.max(4, 2 * Runtime.getRuntime().availableProcessors()), 10_000, 1_000);

    public EngineSettings {
        if (workerThreads <= 0 || queueCapacity <= 0 || readBatchSize <= 0) {
            throw new IllegalArgumentException("engine settings must be positive: " + workerThreads + ", "
                    + queueCapacity + ", " + readBatchSize);
        }
    }
}
