package dev.eventsync.server;

import com.google.inject.CreationException;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.spi.transport.TransportServer;
import java.net.BindException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Eventsync server: storage, engine and transports, started in that order and stopped in
 * the reverse order. Built by {@link Eventsync#builder()}.
 */
public final class EventsyncServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventsyncServer.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Injector injector;
    private final ServerConfig config;
    private EventStore storage;
    private SyncEngine engine;
    private final List<TransportServer> started = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private boolean stopped;

    EventsyncServer(Injector injector, ServerConfig config) {
        this.injector = injector;
        this.config = config;
    }

    /**
     * Opens the storage, starts the engine and every transport. Fails with a one-line
     * {@link ConfigurationException} for a setting or environment problem (unknown storage, unreachable
     * database, port in use); whatever was started is stopped again.
     */
    public synchronized EventsyncServer start() {
        try {
            storage = provision(EventStore.class);
            engine = provision(SyncEngine.class);
            Set<TransportServer> transports = injector.getInstance(Key.get(new TypeLiteral<Set<TransportServer>>() { }));
            for (TransportServer transport : transports) {
                ports.add(startTransport(transport));
                started.add(transport);
            }
            return this;
        } catch (RuntimeException e) {
            stop(Duration.ofSeconds(2));
            throw e;
        }
    }

    private <T> T provision(Class<T> type) {
        try {
            return injector.getInstance(type);
        } catch (ProvisionException | CreationException e) {
            throw ConfigurationException.from(e, "could not start " + type.getSimpleName());
        }
    }

    private int startTransport(TransportServer transport) {
        try {
            return transport.start().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            // EADDRNOTAVAIL is a BindException too, but it means the host, not the port
            boolean notThisMachine = String.valueOf(ConfigurationException.rootMessage(cause))
                    .contains("Cannot assign requested address");
            if (!notThisMachine && (cause instanceof BindException
                    || String.valueOf(cause.getMessage()).contains("Address already in use"))) {
                throw new ConfigurationException("port " + config.port() + " on " + config.host()
                        + " is already in use; stop the other process or choose another port with --port", cause);
            }
            if (notThisMachine || hasCause(cause, java.net.UnknownHostException.class)
                    || String.valueOf(ConfigurationException.rootMessage(cause)).contains("resolve")) {
                throw new ConfigurationException("cannot listen on host '" + config.host() + "': it is not an address"
                        + " of this machine (" + ConfigurationException.rootMessage(cause) + "); use for example"
                        + " --host 127.0.0.1, or --host 0.0.0.0 for every interface", cause);
            }
            throw new ConfigurationException("transport " + transport.name() + " could not start: "
                    + ConfigurationException.rootMessage(cause), cause);
        } catch (TimeoutException e) {
            throw new ConfigurationException("transport " + transport.name() + " did not start within " + START_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConfigurationException("interrupted while starting " + transport.name(), e);
        }
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** The port each transport listens on, in start order. */
    public synchronized List<Integer> ports() {
        return List.copyOf(ports);
    }

    /** The first transport's port. */
    public synchronized int port() {
        if (ports.isEmpty()) {
            throw new IllegalStateException("the server has not started");
        }
        return ports.get(0);
    }

    public synchronized SyncEngine engine() {
        return engine;
    }

    public ServerConfig config() {
        return config;
    }

    /**
     * Stops accepting, lets in-flight pushes finish within {@code grace}, closes connections, stops the
     * engine and closes the storage.
     */
    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        // a start that failed stops what it opened; the caller reports the failure in one line
        boolean wasRunning = !started.isEmpty();
        for (int i = started.size() - 1; i >= 0; i--) {
            TransportServer transport = started.get(i);
            try {
                transport.stop(grace).toCompletableFuture().get(grace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("transport {} did not stop cleanly: {}", transport.name(), e.toString());
            }
        }
        if (engine != null) {
            engine.shutdown(grace);
        }
        if (storage != null) {
            try {
                storage.close();
            } catch (RuntimeException e) {
                LOG.warn("closing the storage failed: {}", e.toString());
            }
        }
        if (wasRunning) {
            LOG.info("Eventsync stopped");
        } else {
            LOG.debug("Eventsync stopped after a failed start");
        }
    }

    @Override
    public void close() {
        stop(config.shutdownGrace());
    }
}
