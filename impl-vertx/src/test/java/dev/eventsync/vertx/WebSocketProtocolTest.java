package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.event;
import static dev.eventsync.vertx.RawWs.pull;
import static dev.eventsync.vertx.RawWs.push;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.StoreId;
import dev.eventsync.vertx.wire.CauseFormat;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sync-cf WebSocket protocol, frame by frame, against a real server over a real socket. */
class WebSocketProtocolTest {

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void rpcPingIsAnsweredWithPong() throws Exception {
        try (RawWs ws = RawWs.connect(server, "s1")) {
            ws.send("{\"_tag\":\"Ping\"}");
            assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Pong\"}");
        }
    }

    @Test
    void nonLivePullOfEmptyStoreIsOneEmptyNoMoreChunkThenValuelessSuccess() throws Exception {
        try (RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(pull("0", "s1", false, NONE));
            JsonNode chunk = ws.next();
            assertThat(chunk.path("_tag").asText()).isEqualTo("Chunk");
            assertThat(chunk.path("requestId").asText()).isEqualTo("0");
            JsonNode page = chunk.path("values").get(0);
            assertThat(chunk.path("values")).hasSize(1);
            assertThat(page.path("batch")).isEmpty();
            assertThat(page.path("pageInfo").toString()).isEqualTo("{\"_tag\":\"NoMore\"}");
            assertThat(page.path("backendId").asText()).isNotEmpty();
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"0\"}");
            assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Exit\",\"requestId\":\"0\",\"exit\":{\"_tag\":\"Success\"}}");
        }
    }

    @Test
    void pushIsAckedWithEmptyObjectAndEchoedToTheLivePullWithArgsByteForByte() throws Exception {
        String args = "{ \"id\" : \"a\",\n  \"text\":\"caf\\u00e9 \u00e9\", \"n\": 1.50 }";
        try (RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(pull("0", "s1", true, NONE));
            JsonNode first = ws.next();
            assertThat(first.path("values").get(0).path("pageInfo").path("_tag").asText()).isEqualTo("NoMore");
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"0\"}");

            ws.send(push("1", "s1", "[" + event(1, 0, args) + "]", NONE));
            List<String> frames = List.of(ws.nextRaw(), ws.nextRaw());
            String exit = frames.stream().filter(f -> f.contains("\"Exit\"")).findFirst().orElseThrow();
            String echo = frames.stream().filter(f -> f.contains("\"Chunk\"")).findFirst().orElseThrow();
            assertThat(exit).isEqualTo("{\"_tag\":\"Exit\",\"requestId\":\"1\",\"exit\":{\"_tag\":\"Success\",\"value\":{}}}");
            assertThat(echo).contains("\"requestId\":\"0\"").contains("\"args\":" + args);
            JsonNode page = RawWs.json(echo).path("values").get(0);
            assertThat(page.path("pageInfo").path("_tag").asText()).isEqualTo("NoMore");
            JsonNode stored = page.path("batch").get(0);
            assertThat(stored.path("eventEncoded").path("seqNum").asLong()).isEqualTo(1);
            assertThat(stored.path("metadata").path("_tag").asText()).isEqualTo("Some");
            assertThat(stored.path("metadata").path("value").path("_tag").asText()).isEqualTo("SyncMessage.SyncMetadata");
            assertThat(stored.path("metadata").path("value").path("createdAt").asText())
                    .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"0\"}");
            ws.expectSilence(300); // a live pull never gets an Exit
        }
    }

    @Test
    void stalePushFailsWithServerAheadErrorInEffect3CauseTree() throws Exception {
        try (RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(push("1", "s1", "[" + event(6, 5, "{}") + "]", NONE));
            assertThat(ws.nextRaw()).isEqualTo("{\"_tag\":\"Exit\",\"requestId\":\"1\",\"exit\":{\"_tag\":\"Failure\","
                    + "\"cause\":{\"_tag\":\"Fail\",\"error\":{\"_tag\":\"ServerAheadError\",\"minimumExpectedNum\":0,"
                    + "\"providedNum\":5}}}}");
        }
    }

    @Test
    void effect4CauseFormatSendsAnArrayOfReasons() throws Exception {
        try (TestServer e4 = TestServer.start(VertxSettings.defaults().withCauseFormat(CauseFormat.EFFECT4_ARRAY));
             RawWs ws = RawWs.connect(e4, "s1")) {
            ws.send(push("1", "s1", "[" + event(6, 5, "{}") + "]", NONE));
            JsonNode cause = ws.next().path("exit").path("cause");
            assertThat(cause.isArray()).isTrue();
            assertThat(cause.get(0).path("error").path("_tag").asText()).isEqualTo("ServerAheadError");
        }
    }

    @Test
    void pullWithForeignBackendIdFailsWithBackendIdMismatchError() throws Exception {
        String backendId = server.store.backendId(StoreId.of("s1"));
        try (RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(pull("0", "s1", true,
                    "{\"_tag\":\"Some\",\"value\":{\"backendId\":\"other\",\"eventSequenceNumber\":0}}"));
            JsonNode error = ws.next().path("exit").path("cause").path("error");
            assertThat(error.path("_tag").asText()).isEqualTo("BackendIdMismatchError");
            assertThat(error.path("expected").asText()).isEqualTo(backendId);
            assertThat(error.path("received").asText()).isEqualTo("other");
        }
    }

    @Test
    void chunksArePacedByAcks() throws Exception {
        try (RawWs ws = RawWs.connect(server, "s1")) {
            pushEvents(ws, 250);
            ws.send(pull("9", "s1", false, NONE));
            JsonNode first = ws.next();
            assertThat(first.path("values").get(0).path("batch")).hasSize(100);
            assertThat(first.path("values").get(0).path("pageInfo").toString())
                    .isEqualTo("{\"_tag\":\"MoreKnown\",\"remaining\":150}");
            ws.expectSilence(300); // nothing more before the Ack
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"9\"}");
            assertThat(ws.next().path("values").get(0).path("batch")).hasSize(100);
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"9\"}");
            JsonNode last = ws.next();
            assertThat(last.path("values").get(0).path("batch")).hasSize(50);
            assertThat(last.path("values").get(0).path("pageInfo").path("_tag").asText()).isEqualTo("NoMore");
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"9\"}");
            assertThat(ws.next().path("_tag").asText()).isEqualTo("Exit");
        }
    }

    @Test
    void interruptEndsALivePull() throws Exception {
        try (RawWs ws = RawWs.connect(server, "s1")) {
            ws.send(pull("0", "s1", true, NONE));
            ws.next();
            ws.send("{\"_tag\":\"Ack\",\"requestId\":\"0\"}");
            ws.send("{\"_tag\":\"Interrupt\",\"requestId\":\"0\"}");
            ws.send(push("1", "s1", "[" + event(1, 0, "{}") + "]", NONE));
            assertThat(ws.next().path("requestId").asText()).isEqualTo("1");
            ws.expectSilence(300); // no echo to the interrupted pull
        }
    }

    @Test
    void livePullsOfOtherConnectionsReceiveTheBatch() throws Exception {
        try (RawWs a = RawWs.connect(server, "s1"); RawWs b = RawWs.connect(server, "s1");
             RawWs other = RawWs.connect(server, "s2")) {
            for (RawWs ws : List.of(a, b, other)) {
                ws.send(pull("0", ws == other ? "s2" : "s1", true, NONE));
                ws.next();
                ws.send("{\"_tag\":\"Ack\",\"requestId\":\"0\"}");
            }
            a.send(push("1", "s1", "[" + event(1, 0, "{\"x\":1}") + "," + event(2, 1, "{\"x\":2}") + "]", NONE));
            JsonNode echo = b.next();
            assertThat(echo.path("requestId").asText()).isEqualTo("0");
            assertThat(echo.path("values").get(0).path("batch")).hasSize(2);
            other.expectSilence(300); // stores share nothing
        }
    }

    private void pushEvents(RawWs ws, int count) throws Exception {
        long seq = 0;
        int request = 100;
        while (seq < count) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 100 && seq < count; i++, seq++) {
                events.add(event(seq + 1, seq, "{\"i\":" + seq + "}"));
            }
            ws.send(push(Integer.toString(request++), "s1", "[" + String.join(",", events) + "]", NONE));
            assertThat(ws.next().path("exit").path("_tag").asText()).isEqualTo("Success");
        }
    }
}
