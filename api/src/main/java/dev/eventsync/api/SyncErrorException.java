package dev.eventsync.api;

import java.util.Objects;

/**
 * A {@link SyncError} raised as an exception, the way errors travel through
 * {@link java.util.concurrent.CompletionStage}s and {@link java.util.concurrent.Flow} streams.
 * Expected protocol errors carry no stack trace: ServerAhead is normal traffic, not a bug.
 */
public final class SyncErrorException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient SyncError error;

    public SyncErrorException(SyncError error) {
        super(Objects.requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    public SyncErrorException(SyncError error, Throwable cause) {
        super(Objects.requireNonNull(error, "error").message(), cause, false, false);
        this.error = error;
    }

    public SyncError error() {
        return error;
    }

    /**
     * The {@link SyncError} behind {@code failure}, unwrapping {@link java.util.concurrent.CompletionException}
     * and friends, if there is one.
     */
    public static java.util.Optional<SyncError> errorOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SyncErrorException e) {
                return java.util.Optional.of(e.error());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return java.util.Optional.empty();
    }
}
