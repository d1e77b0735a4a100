package dev.eventsync.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One event as it travels on the wire ({@code LiveStoreEvent.Global.Encoded}).
 *
 * <p>{@code args} is the event's payload as <em>raw JSON text</em>, kept byte for byte: the server
 * treats it as opaque and returns exactly what it was given. It is empty when the client sent no
 * {@code args}. Construction checks only what every layer relies on (non-null fields); protocol
 * rules such as "seqNum &gt; parentSeqNum" are {@link PushRules}' job so that a bad event can be
 * reported with its index in the batch.
 *
 * @param name         the event name, for example {@code todoCreated-v1}
 * @param args         raw JSON text of the arguments, or empty when absent
 * @param seqNum       the global sequence number the client assigned
 * @param parentSeqNum the global sequence number this event follows
 * @param clientId     the client that created the event
 * @param sessionId    the client session that created the event
 */
public record Event(String name, Optional<String> args, long seqNum, long parentSeqNum, String clientId,
                    String sessionId) {

    public Event {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(args, "args");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    /** An event with raw JSON {@code args} ({@code null} means absent). */
    public static Event of(String name, String argsJson, long seqNum, long parentSeqNum, String clientId,
                           String sessionId) {
        return new Event(name, Optional.ofNullable(argsJson), seqNum, parentSeqNum, clientId, sessionId);
    }
}
