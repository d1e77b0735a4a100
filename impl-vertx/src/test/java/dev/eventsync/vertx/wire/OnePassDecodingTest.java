package dev.eventsync.vertx.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.json.JsonText;
import dev.eventsync.api.json.ProtocolJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A push frame decoded in one pass ({@link RpcCodec#decodeClientMessage}) gives what the two passes give (the
 * frame with its payload sliced out, then {@link SyncRpc#decodePush} of that text): the same request and push, or
 * the same error with the same request id, on random valid and malformed frames. And the frames built as text
 * (chunks, exit successes) are the generator's frames byte for byte.
 */
class OnePassDecodingTest {

    private static final long SEED = Long.getLong("eventsync.test.seed", System.nanoTime());
    private static final String[] PIECES = {"a", "\"", "\\", "\n", "\u0001", "é", "€", "\uD83D\uDE00", "/", " "};

    private final RpcCodec codec = new RpcCodec(CauseFormat.EFFECT3_TREE, 12);

    private static String text(Random r, int max) {
        StringBuilder b = new StringBuilder();
        for (int i = 0, n = 1 + r.nextInt(max); i < n; i++) {
            b.append(r.nextInt(3) == 0 ? PIECES[r.nextInt(PIECES.length)] : "c" + r.nextInt(10));
        }
        return b.toString();
    }

    private static String event(Random r, long seq) {
        List<String> fields = new ArrayList<>(List.of(
                "\"name\":" + ProtocolJson.write(text(r, 6)),
                "\"seqNum\":" + seq,
                "\"parentSeqNum\":" + (seq - 1),
                "\"clientId\":" + ProtocolJson.write(text(r, 4)),
                "\"sessionId\":" + ProtocolJson.write(text(r, 4))));
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> fields.add("\"args\":{\"k\":" + ProtocolJson.write(text(r, 8)) + ",\"k\":[1, {\"x\":null}]}");
            default -> fields.add("\"args\": { \"t\" : \"v\\u00e9\\ud83d\\ude00\" , \"n\": -1.5e3 }");
        }
        if (r.nextInt(4) == 0) {
            Collections.shuffle(fields, r);
        }
        return "{" + String.join(",", fields) + "}";
    }

    private static String payload(Random r) {
        List<String> fields = new ArrayList<>();
        fields.add("\"storeId\":\"store-1\"");
        List<String> events = new ArrayList<>();
        long seq = 1 + r.nextInt(1000);
        for (int i = 0, n = r.nextInt(5); i < n; i++) {
            events.add(event(r, seq++));
        }
        fields.add("\"batch\":[" + String.join(",", events) + "]");
        if (r.nextBoolean()) {
            fields.add(r.nextBoolean() ? "\"backendId\":{\"_tag\":\"None\"}" : "\"backendId\":{\"_tag\":\"Some\",\"value\":\"b-1\"}");
        }
        if (r.nextInt(3) == 0) {
            fields.add(r.nextBoolean() ? "\"payload\":null" : "\"payload\":{\"token\":\"t\",\"n\":[1,2]}");
        }
        if (r.nextInt(5) == 0) {
            fields.add("\"extra\":{\"deep\":[[1]]}");
        }
        if (r.nextInt(4) == 0) {
            Collections.shuffle(fields, r);
        }
        return "{" + String.join(",", fields) + "}";
    }

    private static String frame(Random r) {
        List<String> fields = new ArrayList<>(List.of("\"_tag\":\"Request\"",
                "\"id\":" + (r.nextInt(5) == 0 ? String.valueOf(r.nextInt(100)) : "\"" + r.nextInt(100) + "\""),
                "\"tag\":\"" + (r.nextInt(6) == 0 ? SyncRpc.HTTP_PUSH : SyncRpc.WS_PUSH) + "\"",
                "\"payload\":" + payload(r),
                "\"headers\":" + (r.nextBoolean() ? "[]" : "[[\"x-eventsync-push-result\",\"1\"]]")));
        if (r.nextInt(5) == 0) {
            fields.add(r.nextBoolean() ? "\"extra\":{\"a\":[{\"k\":1,\"k\":2}],\"b\":{\"k\":1,\"k\":2}}"
                    : "\"n\":[[{\"k\":1}],{\"x\":{\"y\":[]}}]");
        }
        if (r.nextInt(4) == 0) {
            Collections.shuffle(fields, r); // the tag after the payload, and other orders: decoded in two passes
        }
        return "{" + String.join(",", fields) + "}";
    }

    /** {@code frame} broken in one of many ways, most of them inside the payload. */
    private static String broken(Random r, String frame) {
        return switch (r.nextInt(16)) {
            case 0 -> frame.replace("\"storeId\":\"store-1\"", "\"storeId\":1");
            case 1 -> frame.replace("\"storeId\":\"store-1\",", "");
            case 2 -> frame.replace("\"batch\":[", "\"batch\":{\"x\":[").replace("]", "]}");
            case 3 -> frame.replace("\"seqNum\":", "\"seqNum\":\"");
            case 4 -> frame.replace("\"clientId\":", "\"clientId\":1,\"clientId\":");
            case 5 -> frame.replace("\"storeId\":\"store-1\"", "\"storeId\":\"store-1\",\"storeId\":\"store-1\"");
            case 6 -> frame.substring(0, r.nextInt(frame.length()));
            case 7 -> frame + (r.nextBoolean() ? " x" : "{}");
            case 8 -> frame.replace("\"_tag\":\"None\"", "\"_tag\":\"Maybe\"");
            case 9 -> frame.replace("\"batch\":[", "\"batch\":[[[[[[[[[[[[1]]]]]]]]]]]],\"b\":[");
            case 10 -> frame.replace("\"name\":", "\"nom\":");
            case 11 -> frame.replace("\"id\":", "\"id\":\"\\ud800\",\"i\":");
            case 12 -> frame.replace("\"_tag\":\"Request\"", "\"_tag\":\"Ack\"");
            case 13 -> frame.replace("\"payload\":{", "\"payload\":{\"storeId\":null,\"x\":{");
            case 14 -> frame.replace("\"parentSeqNum\":", "\"parentSeqNum\":1e400,\"p\":");
            default -> {
                int at = r.nextInt(frame.length());
                yield frame.substring(0, at) + "\",:{}[]1".charAt(r.nextInt(8)) + frame.substring(at);
            }
        };
    }

    /** What the frame decodes to: the request and its push, or the error; in one pass, or in two. */
    private String outcome(String frame, boolean onePass) {
        ClientMessage message;
        try {
            message = onePass ? codec.decodeClientMessage(frame) : codec.decodeInTwoPasses(frame);
        } catch (WireFormatException e) {
            return "frame error " + e.getMessage() + " id " + e.requestId() + " " + e.toError();
        }
        if (!(message instanceof ClientMessage.Request request) || SyncRpc.Kind.of(request.tag())
                .filter(k -> k == SyncRpc.Kind.PUSH).isEmpty()) {
            return "message " + message;
        }
        Object push;
        try {
            SyncRpc.PushRequest twoPass = SyncRpc.decodePush(request.payload());
            push = twoPass;
            if (onePass && request.decodedPush().isPresent()) {
                assertThat(request.decodedPush()).as("seed %d: %s", SEED, frame).contains(twoPass);
            }
        } catch (WireFormatException e) {
            assertThat(request.decodedPush()).as("a push decoded in one pass is a valid push: %s", frame).isEmpty();
            push = "push error " + e.getMessage() + " " + e.toError();
        }
        return "request " + request + " push " + push;
    }

    @Test
    void onePassDecodingEqualsTwoPassDecodingOnRandomAndMalformedFrames() {
        Random r = new Random(SEED);
        int onePass = 0;
        for (int i = 0; i < 20_000; i++) {
            String frame = frame(r);
            if (r.nextInt(3) == 0) {
                frame = broken(r, frame);
            }
            String expected = outcome(frame, false);
            assertThat(outcome(frame, true)).as("seed %d, frame %d: %s", SEED, i, frame).isEqualTo(expected);
            try {
                if (codec.decodeClientMessage(frame) instanceof ClientMessage.Request q && q.decodedPush().isPresent()) {
                    onePass++;
                }
            } catch (WireFormatException e) {
                // counted above
            }
        }
        assertThat(onePass).as("frames that took the one pass").isGreaterThan(5_000);
    }

    @Test
    void aLiveStoreOrderedPushIsDecodedInOnePassAndTheTagAfterThePayloadInTwo() throws Exception {
        String payload = "{\"storeId\":\"s\",\"batch\":[{\"name\":\"n\",\"args\":{\"a\" : 1},\"seqNum\":1,"
                + "\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"x\"}],\"backendId\":{\"_tag\":\"None\"}}";
        ClientMessage.Request first = (ClientMessage.Request) codec.decodeClientMessage("{\"_tag\":\"Request\",\"id\":\"7\","
                + "\"tag\":\"SyncWsRpc.Push\",\"payload\":" + payload + ",\"headers\":[]}");
        assertThat(first.payload()).isEqualTo(payload);
        assertThat(first.decodedPush()).contains(SyncRpc.decodePush(payload));
        assertThat(first.decodedPush().orElseThrow().batch().get(0).args()).contains("{\"a\" : 1}");
        ClientMessage.Request later = (ClientMessage.Request) codec.decodeClientMessage("{\"_tag\":\"Request\",\"id\":\"7\","
                + "\"payload\":" + payload + ",\"tag\":\"SyncWsRpc.Push\",\"headers\":[]}");
        assertThat(later).isEqualTo(first);
        assertThat(later.decodedPush()).isEmpty();
    }

    @Test
    void chunksAndExitSuccessesAreTheGeneratorsFramesByteForByte() {
        Random r = new Random(SEED + 1);
        for (int i = 0; i < 2_000; i++) {
            String id = r.nextBoolean() ? String.valueOf(r.nextInt(100_000)) : text(r, 5);
            List<StoredEvent> batch = new ArrayList<>();
            for (int j = 0, n = r.nextInt(4); j < n; j++) {
                batch.add(new StoredEvent(new Event(text(r, 5), r.nextBoolean() ? Optional.empty()
                        : Optional.of("{\"v\":" + ProtocolJson.write(text(r, 6)) + "}"), j + 1, j, text(r, 3),
                        text(r, 3)), Instant.ofEpochMilli(r.nextLong() % 100_000_000_000_000L)));
            }
            PullPage page = new PullPage(batch, r.nextBoolean() ? PageInfo.NO_MORE : PageInfo.moreKnown(1 + r.nextInt(9)),
                    text(r, 3));
            String expectedChunk = JsonText.write(g -> {
                g.writeStartObject();
                g.writeStringField("_tag", "Chunk");
                g.writeStringField("requestId", id);
                g.writeArrayFieldStart("values");
                g.writeRawValue(ProtocolJson.write(page));
                g.writeEndArray();
                g.writeEndObject();
            });
            assertThat(codec.chunk(id, page)).as("seed %d", SEED).isEqualTo(expectedChunk);
            Optional<String> value = r.nextBoolean() ? Optional.empty() : Optional.of(r.nextBoolean() ? "{}" : "{\"a\":[1]}");
            String expectedExit = JsonText.write(g -> {
                g.writeStartObject();
                g.writeStringField("_tag", "Exit");
                g.writeStringField("requestId", id);
                g.writeObjectFieldStart("exit");
                g.writeStringField("_tag", "Success");
                if (value.isPresent()) {
                    g.writeFieldName("value");
                    g.writeRawValue(value.get());
                }
                g.writeEndObject();
                g.writeEndObject();
            });
            assertThat(codec.exitSuccess(id, value)).as("seed %d", SEED).isEqualTo(expectedExit);
        }
    }
}
