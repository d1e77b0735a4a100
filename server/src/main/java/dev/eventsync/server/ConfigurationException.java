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

    /**
     * The configuration problem behind a Guice failure, or a new one that says {@code what} could not be
     * done and why (the innermost cause's message, on one line).
     */
    static ConfigurationException from(RuntimeException failure, String what) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException config) {
                return config;
            }
        }
        return new ConfigurationException(what + ": " + rootMessage(failure), failure);
    }

    /** The innermost cause's message, on one line. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ').trim();
    }
}
