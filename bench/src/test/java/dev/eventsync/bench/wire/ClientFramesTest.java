package dev.eventsync.bench.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The generator's frames have the shape and member order of the real LiveStore 0.4.0 client's. */
class ClientFramesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CAPTURE = Path.of("../impl-vertx/src/test/resources/captures/ws-roundtrip.jsonl");

    private static List<JsonNode> clientFrames() throws Exception {
        List<JsonNode> frames = new ArrayList<>();
        for (String line : Files.readAllLines(CAPTURE)) {
            JsonNode entry = JSON.readTree(line);
            if ("in".equals(entry.path("dir").asText()) && "ws-frame".equals(entry.path("kind").asText())) {
                frames.add(entry.path("msg"));
            }
        }
        return frames;
    }

    /** The capture with the tracing ids the generator uses (they are random per client). */
    private static String normalized(JsonNode frame) throws Exception {
        ObjectNode copy = frame.deepCopy();
        if (copy.has("traceId")) {
            copy.put("traceId", "livestore-noop-trace-id");
            copy.put("spanId", "livestore-noop-span-id");
        }
        return JSON.writeValueAsString(copy);
    }

    @Test
    void pushPullAckAndPingAreTheCapturedFramesByteForByte() throws Exception {
        List<JsonNode> frames = clientFrames();
        JsonNode pull = frames.stream().filter(f -> "SyncWsRpc.Pull".equals(f.path("tag").asText())).findFirst().orElseThrow();
        JsonNode push = frames.stream().filter(f -> "SyncWsRpc.Push".equals(f.path("tag").asText())).findFirst().orElseThrow();
        JsonNode ack = frames.stream().filter(f -> "Ack".equals(f.path("_tag").asText())).findFirst().orElseThrow();

        assertThat(ClientFrames.pull(pull.path("id").asText(), "store-ws", true, Optional.empty()))
                .isEqualTo(normalized(pull));
        List<ClientFrames.OutEvent> batch = new ArrayList<>();
        for (JsonNode e : push.path("payload").path("batch")) {
            batch.add(new ClientFrames.OutEvent(e.path("seqNum").asLong(), e.path("parentSeqNum").asLong(),
                    JSON.writeValueAsString(e.path("args")), e.path("clientId").asText()));
        }
        assertThat(ClientFrames.push(push.path("id").asText(), "store-ws", batch, Optional.empty()))
                .isEqualTo(normalized(push));
        assertThat(ClientFrames.ack(ack.path("requestId").asText())).isEqualTo(normalized(ack));
        assertThat(ClientFrames.ping()).isEqualTo("{\"_tag\":\"Ping\"}");
    }

    @Test
    void aCursorAndAKnownBackendIdAreSentAsSome() throws Exception {
        JsonNode pull = JSON.readTree(ClientFrames.pull("3", "s", false, Optional.of(new ClientFrames.Cursor("B-1", 7))));
        assertThat(pull.path("payload").path("cursor").toString())
                .isEqualTo("{\"_tag\":\"Some\",\"value\":{\"backendId\":\"B-1\",\"eventSequenceNumber\":7}}");
        JsonNode push = JSON.readTree(ClientFrames.push("4", "s", List.of(), Optional.of("B-1")));
        assertThat(push.path("payload").path("backendId").toString()).isEqualTo("{\"_tag\":\"Some\",\"value\":\"B-1\"}");
    }
}
