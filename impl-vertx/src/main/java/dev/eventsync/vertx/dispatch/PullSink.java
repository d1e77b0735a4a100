package dev.eventsync.vertx.dispatch;

/**
 * Where a {@link PullRelay} delivers one pull's encoded messages: the transport's framing, which decides the
 * pace. Every method is called on the connection's event loop.
 */
public interface PullSink {

    /**
     * Whether the relay may ask the service for the next page now (acknowledged chunks, write queue room). When
     * it says no, the framing calls {@link PullRelay#pump()} once it would say yes.
     */
    boolean mayRequest();

    /** One encoded {@code Chunk} carrying a page. */
    void chunk(String message);

    /** The pull ended: {@code exit} is its encoded {@code Exit} (success or failure). */
    void exit(String exit);

    /**
     * The service completed a live pull, which has no {@code Exit} in sync-cf: the framing must end the
     * connection so that the client resumes.
     */
    void liveEnded();
}
