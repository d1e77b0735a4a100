package dev.eventsync.server;

/**
 * A setting is wrong or the environment does not allow it (port in use, database unreachable). The
 * message is one line for a person: what is wrong and how to fix it.
 */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
