package dev.eventsync.core;

import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.EventValidator;
import dev.eventsync.spi.transport.PushInterceptor;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * Builds a {@link SyncEngine} without Guice: {@code SyncEngine.builder(storage).limits(...).build()}. Every
 * setter rejects null; hooks of one kind run in the order they were added. Not thread-safe; build once.
 */
public final class SyncEngineBuilder {
    private final EventStore storage;
    private SyncLimits limits = SyncLimits.DEFAULTS;
    private EngineSettings settings = EngineSettings.DEFAULTS;
    private final List<Authenticator> authenticators = new ArrayList<>();
    private final List<PushInterceptor> pushInterceptors = new ArrayList<>();
    private final List<EventValidator> eventValidators = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private ExecutorService executor;

    SyncEngineBuilder(EventStore storage) {
        this.storage = Objects.requireNonNull(storage, "storage");
    }

    /** The limits the engine enforces; default {@link SyncLimits#DEFAULTS}. */
    public SyncEngineBuilder limits(SyncLimits value) {
        this.limits = Objects.requireNonNull(value);
        return this;
    }

    /** Worker pool, idle-store and read-batch settings; default {@link EngineSettings#DEFAULTS}. */
    public SyncEngineBuilder settings(EngineSettings value) {
        this.settings = Objects.requireNonNull(value);
        return this;
    }

    /** Adds an authenticator; with none, every call is allowed. */
    public SyncEngineBuilder authenticator(Authenticator value) {
        authenticators.add(Objects.requireNonNull(value));
        return this;
    }

    /** Adds a push interceptor, run after the head check and before the append. */
    public SyncEngineBuilder pushInterceptor(PushInterceptor value) {
        pushInterceptors.add(Objects.requireNonNull(value));
        return this;
    }

    /** Adds a payload validator, run on each pushed event before the push interceptors. */
    public SyncEngineBuilder eventValidator(EventValidator value) {
        eventValidators.add(Objects.requireNonNull(value));
        return this;
    }

    /** The clock of accept times and lag ages; default the system UTC clock. */
    public SyncEngineBuilder clock(Clock value) {
        this.clock = Objects.requireNonNull(value);
        return this;
    }

    /**
     * The executor every storage call and pull delivery runs on, instead of a pool sized by
     * {@link EngineSettings}; the engine owns it and shuts it down. A refusal
     * ({@link java.util.concurrent.RejectedExecutionException}) answers {@code Unavailable}. Tests give a
     * manual executor here to drive a deterministic schedule.
     */
    public SyncEngineBuilder executor(ExecutorService value) {
        this.executor = Objects.requireNonNull(value);
        return this;
    }

    public SyncEngine build() {
        return new SyncEngine(storage, limits, settings, new Hooks(authenticators, pushInterceptors,
                eventValidators), clock, executor != null ? executor : Execution.newWorkerPool(settings));
    }
}
