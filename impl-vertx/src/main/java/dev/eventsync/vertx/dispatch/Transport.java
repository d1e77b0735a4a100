package dev.eventsync.vertx.dispatch;

/** The two sync transports of the server, with what differs between them in answers to clients. */
public enum Transport {
    /** {@code transport=ws}: one WebSocket per store, many requests, live pulls. */
    WS("ws", "SyncWsRpc.Pull and SyncWsRpc.Push over WebSocket"),
    /** {@code transport=http}: one Effect RPC request per POST; pulls are never live (clients poll). */
    HTTP("http", "SyncHttpRpc.Pull, SyncHttpRpc.Push and SyncHttpRpc.Ping over HTTP");

    private final String label;
    private final String serves;

    Transport(String label, String serves) {
        this.label = label;
        this.serves = serves;
    }

    /** The short name in {@code CallContext.transport()}, metrics tags and logs: {@code ws} or {@code http}. */
    public String label() {
        return label;
    }

    /** The RPCs this transport serves, in words, for an unknown-RPC error. */
    String serves() {
        return serves;
    }
}
