package dev.eventsync.core;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import dev.eventsync.spi.transport.SyncService;

/**
 * Binds the protocol engine: {@link SyncService} and {@link SyncEngine} (one per injector), with default
 * limits and settings and empty sets of hooks. Install it together with exactly one storage module (a
 * binding of {@code EventStore}, for example {@code MemoryStorageModule}); contribute hooks and
 * limits through {@link EventsyncBinder}. Side-effect free: nothing starts until the engine is
 * first injected, and its owner calls {@link SyncEngine#shutdown} at the end.
 */
public final class CoreModule extends AbstractModule {

    @Override
    protected void configure() {
        EventsyncBinder.of(binder()).declareDefaults();
        bind(SyncEngine.class).in(Scopes.SINGLETON);
        bind(SyncService.class).to(SyncEngine.class);
    }
}
