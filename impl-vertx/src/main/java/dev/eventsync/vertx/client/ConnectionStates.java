package dev.eventsync.vertx.client;

import dev.eventsync.api.ConnectionState;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/** A client's connection state and its listeners; listeners are called in order on the callback executor. */
final class ConnectionStates {

    private final Executor callbacks;
    private final List<Consumer<ConnectionState>> listeners = new CopyOnWriteArrayList<>();
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;

    ConnectionStates(Executor callbacks) {
        this.callbacks = callbacks;
    }

    ConnectionState get() {
        return state;
    }

    synchronized void set(ConnectionState next) {
        if (state == next || state == ConnectionState.CLOSED) {
            return;
        }
        state = next;
        for (Consumer<ConnectionState> l : listeners) {
            callbacks.execute(() -> l.accept(next));
        }
    }

    /** Calls {@code listener} with the current state at once, on the caller's thread, then with every change. */
    synchronized AutoCloseable listen(Consumer<ConnectionState> listener) {
        listener.accept(state);
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }
}
