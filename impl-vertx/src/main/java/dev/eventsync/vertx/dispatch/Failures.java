package dev.eventsync.vertx.dispatch;

import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import org.slf4j.Logger;

/**
 * Turns a failure from the {@link dev.eventsync.spi.transport.SyncService} into the error sent to a client. The
 * service maps every failure to a typed {@link SyncError} itself; an untyped one reaching the transport is a bug.
 */
public final class Failures {

    private Failures() {
    }

    /**
     * The typed error of {@code failure} (logged at DEBUG: client mistakes and outages are normal traffic); an
     * untyped one is logged with its stack trace and sent as {@link SyncError.Unknown} without internals.
     */
    public static SyncError errorOf(Throwable failure, Logger log, String what) {
        return SyncErrorException.errorOf(failure).map(error -> {
            log.debug("{} failed: {}", what, error.message());
            return error;
        }).orElseGet(() -> {
            log.error("{} failed unexpectedly", what, failure);
            return new SyncError.Unknown("internal server error; the server log has the details");
        });
    }
}
