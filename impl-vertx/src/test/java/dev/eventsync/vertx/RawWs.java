package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.json.ProtocolJson;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A bare WebSocket client that sends and receives raw protocol frames, to test the server frame by frame. */
final class RawWs implements AutoCloseable {

    final WebSocket socket;
    final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    final CompletableFuture<Short> closed = new CompletableFuture<>();

    private RawWs(WebSocket socket) {
        this.socket = socket;
        socket.textMessageHandler(frames::add);
        socket.closeHandler(v -> closed.complete(socket.closeStatusCode() == null ? -1 : socket.closeStatusCode()));
    }

    /** Kept reachable: Vert.x closes a client that is garbage collected, with its connections. */
    private static final WebSocketClient CLIENT = TestServer.sharedVertx().createWebSocketClient(
            new WebSocketClientOptions().setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20));

    static RawWs connect(int port, String uri) throws Exception {
        WebSocket ws = CLIENT.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new RawWs(ws);
    }

    private static final WebSocketClient SMALL_BUFFER_CLIENT = TestServer.sharedVertx().createWebSocketClient(
            new WebSocketClientOptions().setMaxMessageSize(16 << 20).setMaxFrameSize(16 << 20)
                    .setReceiveBufferSize(16 * 1024));

    /** A client whose TCP receive window stays small, so that a server's writes back up quickly when it pauses. */
    static RawWs connectWithSmallReceiveBuffer(int port, String uri) throws Exception {
        WebSocket ws = SMALL_BUFFER_CLIENT.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
                .setURI(uri)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return new RawWs(ws);
    }

    static RawWs connect(TestServer server, String storeId) throws Exception {
        return connect(server.port, "/?storeId=" + storeId + "&transport=ws");
    }

    void send(String text) throws Exception {
        socket.writeTextMessage(text).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** The next frame, parsed; fails the test if none arrives within 10 s. */
    JsonNode next() throws Exception {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a frame from the server within 10 s").isNotNull();
        return ProtocolJson.readTree(frame);
    }

    String nextRaw() throws Exception {
        String frame = frames.poll(10, TimeUnit.SECONDS);
        assertThat(frame).as("a frame from the server within 10 s").isNotNull();
        return frame;
    }

    /** Asserts that no frame arrives within {@code millis}. */
    void expectSilence(long millis) throws InterruptedException {
        String frame = frames.poll(millis, TimeUnit.MILLISECONDS);
        assertThat(frame).as("no frame expected").isNull();
    }

    static JsonNode json(String text) throws IOException {
        return ProtocolJson.readTree(text);
    }

    static String pull(String id, String store, boolean live, String cursor) {
        return "{\"_tag\":\"Request\",\"id\":\"" + id + "\",\"tag\":\"SyncWsRpc.Pull\",\"payload\":{\"storeId\":\""
                + store + "\",\"live\":" + live + ",\"cursor\":" + cursor + "},\"headers\":[]}";
    }

    static String push(String id, String store, String batch, String backendId) {
        return "{\"_tag\":\"Request\",\"id\":\"" + id + "\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"storeId\":\""
                + store + "\",\"batch\":" + batch + ",\"backendId\":" + backendId + "},\"headers\":[]}";
    }

    static String event(long seq, long parent, String args) {
        return "{\"name\":\"v1.TodoCreated\",\"args\":" + args + ",\"seqNum\":" + seq + ",\"parentSeqNum\":" + parent
                + ",\"clientId\":\"client-A\",\"sessionId\":\"session-1\"}";
    }

    static final String NONE = "{\"_tag\":\"None\"}";

    @Override
    public void close() {
        if (!socket.isClosed()) {
            socket.close();
        }
    }
}
