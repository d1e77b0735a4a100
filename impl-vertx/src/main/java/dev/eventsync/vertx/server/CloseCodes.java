package dev.eventsync.vertx.server;

/** The WebSocket close codes this server uses, each sent with a reason a person can read. */
final class CloseCodes {

    /** The server is shutting down (RFC 6455 "going away"); the client should reconnect. */
    static final short GOING_AWAY = 1001;
    /** The client broke the WebSocket protocol (RFC 6455 §7.4.1 "protocol error"). */
    static final short PROTOCOL_ERROR = 1002;
    /** A message's data is not what its type says, for example bad UTF-8 (RFC 6455 §7.4.1 "invalid payload"). */
    static final short INVALID_PAYLOAD = 1007;
    /** The connection's credential expired (RFC 6455 "policy violation"); reconnect with a new one. */
    static final short POLICY_VIOLATION = 1008;
    /** A message larger than the hard frame limit (RFC 6455 "message too big"). */
    static final short MESSAGE_TOO_BIG = 1009;
    /** The server cannot go on serving this connection (RFC 6455 "internal error"); the client should reconnect. */
    static final short INTERNAL_ERROR = 1011;
    /** No frame arrived within the idle timeout (application range 4000-4999). */
    static final short IDLE_TIMEOUT = 4000;

    private CloseCodes() {
    }
}
