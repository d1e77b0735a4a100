package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.json.ProtocolJson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A bad request fails alone, with the same typed answer on WebSocket and HTTP: a {@code Failure} for its id
 * whenever the id can be read (nesting too deep, null or wrong-typed fields anywhere), never a connection-level
 * {@code Defect}, never an unanswered HTTP request; malformed query strings are a 400; nothing is stored, and no
 * client mistake logs a warning or a stack trace.
 */
class BadRequestTest {

    private TestServer server;
    private LogCapture log;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
        log = new LogCapture();
    }

    @AfterEach
    void stop() throws Exception {
        log.close();
        server.close();
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    private static String wsPush(String id, String batch) {
        return RawWs.push(id, "b1", batch, NONE);
    }

    private static String httpPush(String id, String batch) {
        return "{\"_tag\":\"Request\",\"id\":\"" + id + "\",\"tag\":\"SyncHttpRpc.Push\",\"payload\":{\"storeId\":\"b1\","
                + "\"batch\":" + batch + ",\"backendId\":{\"_tag\":\"None\"}},\"headers\":[]}";
    }

    /** The error of the {@code Exit} failure {@code message} carries for {@code id}. */
    private static JsonNode failureOf(JsonNode message, String id) {
        assertThat(message.path("_tag").asText()).as(message.toString()).isEqualTo("Exit");
        assertThat(message.path("requestId").asText()).isEqualTo(id);
        assertThat(message.path("exit").path("_tag").asText()).isEqualTo("Failure");
        return message.path("exit").path("cause").path("error");
    }

    /** Sends {@code body} over WebSocket and over HTTP; both must answer a failure for {@code id} with {@code code}. */
    private void assertFailsAloneOnBothTransports(String id, String batch, String code, String noteContains)
            throws Exception {
        try (RawWs ws = RawWs.connect(server, "b1")) {
            ws.send(wsPush(id, batch));
            JsonNode error = failureOf(ws.next(), id);
            assertThat(error.path("payload").path("eventsyncError").asText()).isEqualTo(code);
            assertThat(error.path("note").asText()).contains(noteContains);
            ws.send("{\"_tag\":\"Ping\"}");
            assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Pong\"}");
        }
        try (RawHttp http = new RawHttp(server.port)) {
            RawHttp.Response r = http.post("/?storeId=b1&transport=http", httpPush(id, batch));
            assertThat(r.status()).isEqualTo(200);
            JsonNode answer = ProtocolJson.readTree(r.body());
            assertThat(answer).hasSize(1);
            JsonNode error = failureOf(answer.get(0), id);
            assertThat(error.path("payload").path("eventsyncError").asText()).isEqualTo(code);
            assertThat(error.path("note").asText()).contains(noteContains);
        }
        assertThat(server.store.head(StoreId.of("b1"))).isZero();
    }

    @Test
    void argsNestedTooDeepFailTheirRequestOnly() throws Exception {
        assertFailsAloneOnBothTransports("7", "[" + event(1, 0, nested(1000)) + "]", "limit_exceeded", "maxJsonDepth");
    }

    @Test
    void nestingTooDeepBeforeTheIdIsStillAttributedToIt() throws Exception {
        String frame = "{\"_tag\":\"Request\",\"payload\":" + nested(1200) + ",\"id\":\"9\",\"tag\":\"SyncWsRpc.Push\"}";
        try (RawWs ws = RawWs.connect(server, "b1")) {
            ws.send(frame);
            assertThat(failureOf(ws.next(), "9").path("note").asText()).contains("maxJsonDepth");
        }
    }

    @Test
    void argsNestedWithinTheLimitAreAccepted() throws Exception {
        try (RawWs ws = RawWs.connect(server, "b1")) {
            ws.send(wsPush("1", "[" + event(1, 0, nested(990)) + "]"));
            JsonNode ack = ws.next();
            assertThat(ack.path("exit").path("_tag").asText()).as(ack.toString()).isEqualTo("Success");
        }
        assertThat(server.store.head(StoreId.of("b1"))).isEqualTo(1);
    }

    @Test
    void aConfiguredDepthIsTheSameOnBothTransports() throws Exception {
        server.close();
        server = TestServer.start(VertxSettings.defaults().withMaxJsonDepth(16));
        assertFailsAloneOnBothTransports("3", "[" + event(1, 0, nested(13)) + "]", "limit_exceeded", "maxJsonDepth is 16");
    }

    @Test
    void nullAndWrongTypedFieldsFailTheirRequest() throws Exception {
        assertFailsAloneOnBothTransports("1", "[null]", "invalid_request", "event #0 of the batch must be an event object");
        assertFailsAloneOnBothTransports("2", "[1]", "invalid_request", "event #0");
        assertFailsAloneOnBothTransports("3", "[[]]", "invalid_request", "event #0");
        assertFailsAloneOnBothTransports("4", "null", "invalid_request", "'batch' must be an array");
        assertFailsAloneOnBothTransports("5", "[{\"name\":null,\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\","
                + "\"sessionId\":\"s\"}]", "invalid_request", "event #0");
        assertFailsAloneOnBothTransports("6", "[{\"name\":\"n\",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":{},"
                + "\"sessionId\":\"s\"}]", "invalid_request", "event #0");
        assertFailsAloneOnBothTransports("7", "[{\"name\":\"n\",\"seqNum\":1.5,\"parentSeqNum\":0,\"clientId\":\"c\","
                + "\"sessionId\":\"s\"}]", "invalid_request", "event #0");
        assertFailsAloneOnBothTransports("8", "[" + event(1, 0, "{}") + ",null]", "invalid_request", "event #1");
        assertThat(log.stackTracesAndWarnings()).isEmpty();
    }

    @Test
    void malformedRequestEnvelopesWithAnIdFailThatId() throws Exception {
        try (RawWs ws = RawWs.connect(server, "b1")) {
            ws.send("{\"_tag\":\"Request\",\"id\":\"4\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"storeId\":\"b1\",\"batch\":[");
            assertThat(failureOf(ws.next(), "4").path("note").asText()).contains("malformed JSON");
            ws.send("{\"_tag\":\"Request\",\"id\":\"5\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{},\"headers\":{}}");
            assertThat(failureOf(ws.next(), "5").path("note").asText()).contains("'headers'");
            ws.send("{\"_tag\":\"Request\",\"id\":\"6\",\"tag\":7,\"payload\":{}}");
            assertThat(failureOf(ws.next(), "6").path("note").asText()).contains("'tag' must be a string");
            ws.send("{\"_tag\":\"Request\",\"id\":\"7\",\"tag\":\"SyncWsRpc.Pull\",\"payload\":null}");
            assertThat(failureOf(ws.next(), "7").path("note").asText()).contains("must be a JSON object");
        }
        assertThat(log.stackTracesAndWarnings()).isEmpty();
    }

    @Test
    void framesWithoutAUsableIdGetADefect() throws Exception {
        try (RawWs ws = RawWs.connect(server, "b1")) {
            ws.send("{\"_tag\":\"Request\",\"id\":{\"n\":1},\"tag\":\"SyncWsRpc.Push\",\"payload\":{}}");
            assertThat(ws.next().path("_tag").asText()).isEqualTo("Defect");
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"1\",\"x\":[");
            assertThat(ws.next().path("_tag").asText()).isEqualTo("Defect"); // an Ack is no request to fail
        }
    }

    @Test
    void malformedQueryStringsAreA400BeforeAuthentication() throws Exception {
        try (RawHttp http = new RawHttp(server.port)) {
            RawHttp.Response health = http.get("/health?a=%zz");
            assertThat(health.status()).isEqualTo(400);
            assertThat(health.body()).contains("malformed query string");
        }
        try (RawHttp http = new RawHttp(server.port)) {
            RawHttp.Response sync = http.post("/?storeId=%&transport=http", "{}");
            assertThat(sync.status()).isEqualTo(400);
            assertThat(sync.body()).contains("malformed query string");
        }
        try (RawHttp http = new RawHttp(server.port)) {
            assertThat(http.get("/?storeId=a%ZZb&transport=ws").status()).isEqualTo(400);
        }
        try (RawHttp http = new RawHttp(server.port)) {
            RawHttp.Response path = http.get("/%zz/x");
            assertThat(path.status()).isEqualTo(400);
            assertThat(path.body()).contains("malformed path");
        }
        try (RawHttp http = new RawHttp(server.port)) {
            assertThat(http.get("/health").status()).isEqualTo(200);
        }
        assertThat(log.stackTracesAndWarnings()).isEmpty();
    }
}
