package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.event;
import static dev.eventsync.vertx.RawWs.pull;
import static dev.eventsync.vertx.RawWs.push;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input over a real WebSocket: each gets a clear error (or is ignored where the protocol says so), the
 * connection keeps working (a Ping still gets its Pong) and nothing is persisted.
 */
class BadInputTest {

    private static final int MAX_FRAME = 64 * 1024;
    private TestServer server;
    private RawWs ws;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start(VertxSettings.defaults().withMaxFrameBytes(MAX_FRAME).withMaxRequestsInFlight(3));
        ws = RawWs.connect(server, "s1");
    }

    @AfterEach
    void stop() throws Exception {
        ws.close();
        server.close();
    }

    /** The connection still answers, and the store is untouched. */
    private void assertSurvivedAndNothingPersisted() throws Exception {
        ws.send("{\"_tag\":\"Ping\"}");
        assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Pong\"}");
        assertThat(server.store.head(StoreId.of("s1"))).isZero();
    }

    private JsonNode defect() throws Exception {
        JsonNode m = ws.next();
        assertThat(m.path("_tag").asText()).isEqualTo("Defect");
        return m.path("defect");
    }

    private JsonNode failure(String requestId) throws Exception {
        JsonNode m = ws.next();
        assertThat(m.path("_tag").asText()).isEqualTo("Exit");
        assertThat(m.path("requestId").asText()).isEqualTo(requestId);
        assertThat(m.path("exit").path("_tag").asText()).isEqualTo("Failure");
        return m.path("exit").path("cause").path("error");
    }

    @Test
    void malformedJsonGetsADefect() throws Exception {
        ws.send("{\"_tag\":\"Request\",\"id\":");
        assertThat(defect().path("message").asText()).contains("malformed JSON");
        ws.send("not json at all");
        assertThat(defect().path("message").asText()).contains("malformed JSON");
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void unknownTagGetsADefect() throws Exception {
        ws.send("{\"_tag\":\"Explode\"}");
        assertThat(defect().path("message").asText()).contains("unknown message tag 'Explode'");
        ws.send("[1,2,3]");
        assertThat(defect().path("message").asText()).contains("must be a JSON object");
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void unknownRpcGetsAFailureForItsRequest() throws Exception {
        ws.send("{\"_tag\":\"Request\",\"id\":\"7\",\"tag\":\"SyncWsRpc.Drop\",\"payload\":{},\"headers\":[]}");
        JsonNode error = failure("7");
        assertThat(error.path("_tag").asText()).isEqualTo("UnknownError");
        assertThat(error.path("note").asText()).contains("unknown RPC 'SyncWsRpc.Drop'");
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void wrongTypesGetAFailureNamingTheField() throws Exception {
        ws.send(push("1", "s1", "[{\"name\":\"x\",\"seqNum\":\"one\",\"parentSeqNum\":0,\"clientId\":\"c\","
                + "\"sessionId\":\"s\"}]", NONE));
        assertThat(failure("1").path("note").asText()).contains("event #0").contains("'seqNum' must be an integer");
        ws.send(push("2", "s1", "{\"not\":\"an array\"}", NONE));
        assertThat(failure("2").path("note").asText()).contains("'batch' must be an array");
        ws.send(pull("3", "s1", true, "42"));
        assertThat(failure("3").path("note").asText()).contains("'cursor' must be an Option");
        ws.send("{\"_tag\":\"Request\",\"id\":\"4\",\"tag\":\"SyncWsRpc.Pull\",\"payload\":{\"storeId\":\"s1\","
                + "\"live\":\"yes\",\"cursor\":{\"_tag\":\"None\"}},\"headers\":[]}");
        assertThat(failure("4").path("note").asText()).contains("'live' must be a boolean");
        ws.send("{\"_tag\":\"Ack\",\"requestId\":{\"x\":1}}");
        assertThat(defect().path("message").asText()).contains("'requestId' must be a string or an integer");
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void anIdThatCannotBeEchoedExactlyGetsADefectNotAnAnswerForAnotherId() throws Exception {
        // "1.5" must not be read as request "1", nor an unpaired surrogate written back as "?"
        for (String id : new String[] {"1.5", "1e0", "1.9e3", "\"\\ud800\"", "\"\\udc00x\""}) {
            ws.send("{\"_tag\":\"Request\",\"id\":" + id + ",\"tag\":\"SyncWsRpc.Pull\",\"payload\":{\"storeId\":"
                    + "\"s1\",\"live\":false,\"cursor\":{\"_tag\":\"None\"}},\"headers\":[]}");
            JsonNode m = ws.next();
            assertThat(m.path("_tag").asText()).as("answer to id %s", id).isEqualTo("Defect");
            assertThat(m.has("requestId")).as("answer to id %s", id).isFalse();
        }
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void requestForAnotherStoreIsRefused() throws Exception {
        ws.send(push("1", "s2", "[" + event(1, 0, "{}") + "]", NONE));
        assertThat(failure("1").path("note").asText()).contains("serves store 's1'");
        assertThat(server.store.head(StoreId.of("s2"))).isZero();
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void invalidBatchIsRefusedWithItsIndex() throws Exception {
        ws.send(push("1", "s1", "[" + event(1, 0, "{}") + "," + event(3, 2, "{}") + "]", NONE));
        JsonNode error = failure("1");
        assertThat(error.path("payload").path("eventsyncError").asText()).isEqualTo("invalid_batch");
        assertThat(error.path("payload").path("index").asInt()).isEqualTo(1);
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void oversizeFrameGetsLimitExceededForItsRequest() throws Exception {
        String big = "\"" + "x".repeat(MAX_FRAME) + "\"";
        ws.send(push("5", "s1", "[" + event(1, 0, big) + "]", NONE));
        JsonNode error = failure("5");
        assertThat(error.path("payload").path("eventsyncError").asText()).isEqualTo("limit_exceeded");
        assertThat(error.path("note").asText()).contains("maxFrameBytes");
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void frameBeyondTheHardLimitClosesWithMessageTooBig() throws Exception {
        String huge = "\"" + "x".repeat(3 * MAX_FRAME) + "\"";
        ws.socket.writeTextMessage(push("5", "s1", "[" + event(1, 0, huge) + "]", NONE));
        // 1009 when the close frame gets through; Netty may drop the TCP connection first (1006)
        assertThat(ws.closed.get(10, TimeUnit.SECONDS)).isIn((short) 1009, (short) 1006);
        assertThat(server.store.head(StoreId.of("s1"))).isZero();
        try (RawWs again = RawWs.connect(server, "s1")) { // the server itself is fine
            again.send("{\"_tag\":\"Ping\"}");
            assertThat(again.nextRaw()).isEqualTo("{\"_tag\":\"Pong\"}");
        }
    }

    @Test
    void acksAndInterruptsForUnknownIdsAreIgnored() throws Exception {
        ws.send("{\"_tag\":\"Ack\",\"requestId\":\"99\"}");
        ws.send("{\"_tag\":\"Interrupt\",\"requestId\":\"98\"}");
        ws.send("{\"_tag\":\"Eof\"}");
        assertSurvivedAndNothingPersisted(); // the Pong is the first frame: nothing answered the others
    }

    @Test
    void binaryFramesGetADefect() throws Exception {
        ws.socket.writeBinaryMessage(Buffer.buffer(new byte[] {1, 2, 3}));
        assertThat(defect().path("message").asText()).contains("binary frames are not supported");
        assertSurvivedAndNothingPersisted();
    }

    @Test
    void tooManyRequestsInFlightAreRefused() throws Exception {
        for (int i = 0; i < 3; i++) {
            ws.send(pull(Integer.toString(i), "s1", true, NONE));
            ws.next();
        }
        ws.send(pull("3", "s1", true, NONE));
        JsonNode error = failure("3");
        assertThat(error.path("payload").path("limit").asText()).isEqualTo("maxRequestsInFlight");
        ws.send("{\"_tag\":\"Interrupt\",\"requestId\":\"0\"}");
        ws.send(pull("4", "s1", true, NONE));
        assertThat(ws.next().path("_tag").asText()).isEqualTo("Chunk");
        assertSurvivedAndNothingPersisted();
    }
}
