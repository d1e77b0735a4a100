package dev.eventsync.core;

import com.google.inject.Binder;
import com.google.inject.binder.LinkedBindingBuilder;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.spi.transport.Authenticator;
import dev.eventsync.spi.transport.EventValidator;
import dev.eventsync.spi.transport.PushInterceptor;
import java.util.Objects;

/**
 * The typed way to contribute to the engine from a Guice module: authenticators, push interceptors,
 * event validators, limits and engine settings. For example:
 *
 * <pre>{@code
 * EventsyncBinder.of(binder()).addPushInterceptor().to(BanList.class);
 * EventsyncBinder.of(binder()).limits().toInstance(SyncLimits.defaults().withMaxPushEvents(50));
 * }</pre>
 */
public final class EventsyncBinder {

    private final Binder binder;

    private EventsyncBinder(Binder binder) {
        this.binder = Objects.requireNonNull(binder, "binder").skipSources(EventsyncBinder.class);
    }

    public static EventsyncBinder of(Binder binder) {
        return new EventsyncBinder(binder);
    }

    public LinkedBindingBuilder<Authenticator> addAuthenticator() {
        return Multibinder.newSetBinder(binder, Authenticator.class).addBinding();
    }

    public LinkedBindingBuilder<PushInterceptor> addPushInterceptor() {
        return Multibinder.newSetBinder(binder, PushInterceptor.class).addBinding();
    }

    public LinkedBindingBuilder<EventValidator> addEventValidator() {
        return Multibinder.newSetBinder(binder, EventValidator.class).addBinding();
    }

    /** Overrides the default {@link SyncLimits}. */
    public LinkedBindingBuilder<SyncLimits> limits() {
        return OptionalBinder.newOptionalBinder(binder, SyncLimits.class).setBinding();
    }

    /** Overrides the default {@link EngineSettings}. */
    public LinkedBindingBuilder<EngineSettings> engineSettings() {
        return OptionalBinder.newOptionalBinder(binder, EngineSettings.class).setBinding();
    }

    /** Declares the extension points with their defaults; {@link CoreModule} calls it once. */
    void declareDefaults() {
        Multibinder.newSetBinder(binder, Authenticator.class);
        Multibinder.newSetBinder(binder, PushInterceptor.class);
        Multibinder.newSetBinder(binder, EventValidator.class);
        OptionalBinder.newOptionalBinder(binder, SyncLimits.class).setDefault().toInstance(SyncLimits.DEFAULTS);
        OptionalBinder.newOptionalBinder(binder, EngineSettings.class).setDefault().toInstance(EngineSettings.DEFAULTS);
    }
}
