package dev.eventsync.vertx.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.json.ProtocolJson;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The Effect RPC codec against real LiveStore 0.4.0 traffic: everything the client sent decodes, everything the
 * reference server sent decodes, and what this codec writes has the captured shapes.
 */
class RpcCodecTest {

    private final RpcCodec codec = new RpcCodec(CauseFormat.EFFECT3_TREE);

    @Test
    void decodesEveryCapturedClientFrame() throws Exception {
        int requests = 0;
        for (JsonNode line : Captures.all()) {
            if (!"in".equals(line.path("dir").asText()) || !"ws-frame".equals(line.path("kind").asText())) {
                continue;
            }
            JsonNode msg = line.path("msg");
            ClientMessage decoded = codec.decodeClientMessage(msg.toString());
            switch (msg.path("_tag").asText()) {
                case "Ping" -> assertThat(decoded).isInstanceOf(ClientMessage.Ping.class);
                case "Ack" -> assertThat(decoded).isEqualTo(new ClientMessage.Ack(msg.path("requestId").asText()));
                case "Interrupt" -> assertThat(decoded).isEqualTo(new ClientMessage.Interrupt(msg.path("requestId").asText()));
                case "Request" -> {
                    requests++;
                    assertRequestDecodes(msg, (ClientMessage.Request) decoded);
                }
                default -> throw new AssertionError("unexpected captured tag " + msg);
            }
        }
        assertThat(requests).isGreaterThan(30);
    }

    @Test
    void decodesEveryCapturedHttpRequestBody() throws Exception {
        int requests = 0;
        for (JsonNode line : Captures.all()) {
            if ("http-request".equals(line.path("kind").asText()) && line.path("body").isObject()) {
                JsonNode body = line.path("body");
                assertRequestDecodes(body, (ClientMessage.Request) codec.decodeClientMessage(body.toString()));
                requests++;
            }
        }
        assertThat(requests).isGreaterThan(20);
    }

    private static void assertRequestDecodes(JsonNode msg, ClientMessage.Request request) throws Exception {
        assertThat(request.id()).isEqualTo(msg.path("id").asText());
        assertThat(request.tag()).isEqualTo(msg.path("tag").asText());
        JsonNode payload = msg.path("payload");
        assertThat(request.payload()).isEqualTo(payload.toString());
        switch (SyncRpc.Kind.of(request.tag()).orElseThrow()) {
            case PULL -> {
                SyncRpc.PullRequest pull = SyncRpc.decodePull(request.payload());
                assertThat(pull.storeId()).isEqualTo(payload.path("storeId").asText());
                assertThat(pull.live()).isEqualTo(payload.path("live").asBoolean(false));
                JsonNode cursor = payload.path("cursor");
                assertThat(pull.cursor().isPresent()).isEqualTo("Some".equals(cursor.path("_tag").asText()));
                pull.cursor().ifPresent(c -> {
                    assertThat(c.eventSequenceNumber()).isEqualTo(cursor.path("value").path("eventSequenceNumber").asLong());
                    assertThat(c.backendId()).contains(cursor.path("value").path("backendId").asText());
                });
                assertThat(pull.payload().isPresent()).isEqualTo(payload.has("payload"));
            }
            case PUSH -> {
                SyncRpc.PushRequest push = SyncRpc.decodePush(request.payload());
                JsonNode batch = payload.path("batch");
                assertThat(push.batch()).hasSize(batch.size());
                for (int i = 0; i < batch.size(); i++) {
                    Event e = push.batch().get(i);
                    assertThat(e.name()).isEqualTo(batch.get(i).path("name").asText());
                    assertThat(e.seqNum()).isEqualTo(batch.get(i).path("seqNum").asLong());
                    assertThat(e.args()).contains(batch.get(i).path("args").toString());
                    assertThat(ProtocolJson.write(e)).isEqualTo(batch.get(i).toString());
                }
                JsonNode backendId = payload.path("backendId");
                assertThat(push.backendId()).isEqualTo("Some".equals(backendId.path("_tag").asText())
                        ? Optional.of(backendId.path("value").asText()) : Optional.empty());
            }
            case PING -> assertThat(SyncRpc.decodePing(request.payload()).storeId())
                    .isEqualTo(payload.path("storeId").asText());
        }
    }

    @Test
    void decodesEveryCapturedServerFrameAndReencodesItIdentically() throws Exception {
        int chunks = 0;
        for (JsonNode line : Captures.all()) {
            if (!"out".equals(line.path("dir").asText())) {
                continue;
            }
            if ("ws-frame".equals(line.path("kind").asText())) {
                chunks += assertServerMessageRoundTrips(line.path("msg"));
            } else if ("http-response".equals(line.path("kind").asText()) && line.path("body").isArray()) {
                List<ServerMessage> messages = codec.decodeServerMessages(line.path("body").toString());
                assertThat(messages).hasSize(line.path("body").size());
                for (JsonNode m : line.path("body")) {
                    chunks += assertServerMessageRoundTrips(m);
                }
            }
        }
        assertThat(chunks).isGreaterThan(20);
    }

    private int assertServerMessageRoundTrips(JsonNode msg) throws Exception {
        ServerMessage decoded = codec.decodeServerMessage(msg.toString());
        String reencoded;
        int chunks = 0;
        if (decoded instanceof ServerMessage.Chunk chunk) {
            assertThat(chunk.values()).hasSize(1);
            PullPage page = chunk.values().get(0);
            assertThat(page.batch()).hasSize(msg.path("values").get(0).path("batch").size());
            reencoded = codec.chunk(chunk.requestId(), page);
            chunks = 1;
        } else if (decoded instanceof ServerMessage.Exit exit) {
            if (exit.outcome() instanceof ServerMessage.Success success) {
                reencoded = codec.exitSuccess(exit.requestId(), success.value());
            } else {
                SyncError error = ((ServerMessage.Failure) exit.outcome()).error();
                assertThat(error).isInstanceOfAny(SyncError.ServerAhead.class, SyncError.BackendIdMismatch.class);
                reencoded = codec.exitFailure(exit.requestId(), error);
            }
        } else {
            assertThat(decoded).isInstanceOf(ServerMessage.Pong.class);
            reencoded = codec.pong();
        }
        assertThat(ProtocolJson.readTree(reencoded)).as("re-encoded %s", msg).isEqualTo(msg);
        return chunks;
    }

    @Test
    void effect4ArrayCausesAndCompositeEffect3CausesDecode() throws Exception {
        String serverAhead = "{\"_tag\":\"ServerAheadError\",\"minimumExpectedNum\":7,\"providedNum\":3}";
        assertThat(RpcCodec.errorOfCause("[{\"_tag\":\"Fail\",\"error\":" + serverAhead + "}]"))
                .isEqualTo(new SyncError.ServerAhead(7, 3));
        assertThat(RpcCodec.errorOfCause("{\"_tag\":\"Sequential\",\"left\":{\"_tag\":\"Die\",\"defect\":\"x\"},"
                + "\"right\":{\"_tag\":\"Fail\",\"error\":" + serverAhead + "}}")).isEqualTo(new SyncError.ServerAhead(7, 3));
        assertThat(RpcCodec.errorOfCause("{\"_tag\":\"Die\",\"defect\":{\"name\":\"Error\",\"message\":\"kaputt\"}}"))
                .isEqualTo(new SyncError.Unknown("server defect: kaputt"));
        assertThat(RpcCodec.errorOfCause("[{\"_tag\":\"Interrupt\",\"fiberId\":1}]")).isInstanceOf(SyncError.Unknown.class);
        String e4 = new RpcCodec(CauseFormat.EFFECT4_ARRAY).exitFailure("3", new SyncError.ServerAhead(7, 3));
        assertThat(e4).isEqualTo("{\"_tag\":\"Exit\",\"requestId\":\"3\",\"exit\":{\"_tag\":\"Failure\",\"cause\":"
                + "[{\"_tag\":\"Fail\",\"error\":" + serverAhead + "}]}}");
        ServerMessage.Exit exit = (ServerMessage.Exit) codec.decodeServerMessage(e4);
        assertThat(exit.outcome()).isEqualTo(new ServerMessage.Failure(new SyncError.ServerAhead(7, 3)));
    }

    @Test
    void typedErrorsSurviveTheUnknownErrorEnvelope() throws Exception {
        SyncError rejected = new SyncError.Rejected(1, 5, "v1.Bad", "not allowed");
        ServerMessage.Exit exit = (ServerMessage.Exit) codec.decodeServerMessage(codec.exitFailure("1", rejected));
        assertThat(exit.outcome()).isEqualTo(new ServerMessage.Failure(rejected));
    }

    @Test
    void effect4NumericRequestIdsAreAccepted() throws Exception {
        assertThat(codec.decodeClientMessage("{\"_tag\":\"Ack\",\"requestId\":12}"))
                .isEqualTo(new ClientMessage.Ack("12"));
        assertThat(codec.peekRequestId("{\"_tag\":\"Request\",\"payload\":{\"big\":[1,2,3]},\"id\":\"9\"}")).contains("9");
    }

    @Test
    void malformedInputIsAWireFormatExceptionWithTheRequestIdWhenKnown() {
        assertThatThrownBy(() -> codec.decodeClientMessage("{\"_tag\":\"Request\",\"id\":\"4\",\"tag\":\"SyncWsRpc.Pull\"}"))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("has no 'payload'")
                .satisfies(e -> assertThat(((WireFormatException) e).requestId()).contains("4"));
        assertThatThrownBy(() -> codec.decodeClientMessage("{\"_tag\":\"Ping\"} trailing"))
                .isInstanceOf(WireFormatException.class);
        assertThatThrownBy(() -> SyncRpc.decodePush("{\"storeId\":\"s\",\"batch\":[{\"name\":\"n\"}],"
                + "\"backendId\":{\"_tag\":\"None\"}}"))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("event #0");
    }

    @Test
    void aPullCursorWithoutTheStoresBackendIdNeverGoesOnTheWire() {
        for (boolean http : List.of(false, true)) {
            for (Optional<String> backendId : List.of(Optional.<String>empty(), Optional.of(""), Optional.of("  "))) {
                assertThatThrownBy(() -> SyncRpc.encodePull("s1", Optional.empty(), false,
                        Optional.of(new dev.eventsync.api.PullCursor(3, backendId)), http))
                        .isInstanceOf(dev.eventsync.api.SyncErrorException.class)
                        .satisfies(e -> assertThat(((dev.eventsync.api.SyncErrorException) e).error())
                                .isInstanceOf(SyncError.InvalidCursor.class)
                                .extracting(SyncError::message).asString().contains("backendId", "after 3"));
            }
            String named = SyncRpc.encodePull("s1", Optional.empty(), true,
                    Optional.of(dev.eventsync.api.PullCursor.after(3, "b-1")), http);
            assertThat(named).contains("\"backendId\":\"b-1\"", "\"eventSequenceNumber\":3");
            assertThat(SyncRpc.encodePull("s1", Optional.empty(), true, Optional.empty(), http))
                    .contains("\"cursor\":{\"_tag\":\"None\"}").doesNotContain("backendId");
        }
    }
}
