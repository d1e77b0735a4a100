package dev.eventsync.bench;

import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.json.JsonText;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.vertx.wire.CauseFormat;
import dev.eventsync.vertx.wire.ClientMessage;
import dev.eventsync.vertx.wire.RpcCodec;
import dev.eventsync.vertx.wire.SyncRpc;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The codec's share of a push and of a page, old way against new way in one JVM, alternating in short slices so
 * that load from other processes hits both alike (the wire benchmark's CPU per event swings with the machine's
 * load; this does far less). CPU time of this thread per operation, in µs:
 * <ul>
 *   <li>push frame, two passes (the frame with its payload sliced out, then {@link SyncRpc#decodePush}) against
 *       one pass (a LiveStore-ordered frame, decoded with its push);</li>
 *   <li>a chunk of a 50-event page: one generator over every field (as before this pass), each event encoded afresh
 *       as text (an event's first page now), and built from the events' kept encodings ({@link RpcCodec#chunk}, every
 *       later page and every other subscriber).</li>
 * </ul>
 * {@code java -cp <bench classpath> dev.eventsync.bench.CodecPaths [rounds]}; logs one line per measurement.
 */
public final class CodecPaths {

    private static final Logger LOG = LoggerFactory.getLogger(CodecPaths.class);
    private static final int BATCH = 50;

    private CodecPaths() {
    }

    /** A stored event as pages wrote it before events kept their encoding: every field through the generator. */
    private static void writeWithGenerator(JsonGenerator g, StoredEvent e, String createdAt) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("eventEncoded");
        g.writeStringField("name", e.event().name());
        g.writeFieldName("args");
        g.writeRawValue(e.event().args().orElseThrow());
        g.writeNumberField("seqNum", e.seqNum());
        g.writeNumberField("parentSeqNum", e.event().parentSeqNum());
        g.writeStringField("clientId", e.event().clientId());
        g.writeStringField("sessionId", e.event().sessionId());
        g.writeEndObject();
        g.writeObjectFieldStart("metadata");
        g.writeStringField("_tag", "Some");
        g.writeObjectFieldStart("value");
        g.writeStringField("_tag", "SyncMessage.SyncMetadata");
        g.writeStringField("createdAt", createdAt);
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static final java.time.format.DateTimeFormatter CREATED_AT = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(java.time.ZoneOffset.UTC);

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        RpcCodec codec = new RpcCodec(CauseFormat.EFFECT3_TREE);
        StringBuilder events = new StringBuilder();
        List<StoredEvent> stored = new ArrayList<>();
        Instant at = Instant.parse("2026-11-29T20:00:00.123Z");
        for (int i = 1; i <= BATCH; i++) {
            String argsJson = "{\"id\":\"s" + i + ".client-1\",\"text\":\"todo #" + i + " from the load generator\"}";
            events.append(i > 1 ? "," : "").append("{\"name\":\"v1.TodoCreated\",\"args\":").append(argsJson)
                    .append(",\"seqNum\":").append(i).append(",\"parentSeqNum\":").append(i - 1)
                    .append(",\"clientId\":\"client-1\",\"sessionId\":\"session-1\"}");
            stored.add(new StoredEvent(Event.of("v1.TodoCreated", argsJson, i, i - 1, "client-1", "session-1"), at));
        }
        String payload = "{\"storeId\":\"store-1\",\"batch\":[" + events + "],\"backendId\":{\"_tag\":\"None\"}}";
        String liveStoreOrder = "{\"_tag\":\"Request\",\"id\":\"12\",\"tag\":\"SyncWsRpc.Push\",\"payload\":" + payload
                + ",\"headers\":[]}";
        String payloadFirst = "{\"_tag\":\"Request\",\"id\":\"12\",\"payload\":" + payload
                + ",\"tag\":\"SyncWsRpc.Push\",\"headers\":[]}";
        PullPage page = new PullPage(stored, PageInfo.NO_MORE, "backend-1");
        String createdAt = CREATED_AT.format(at); // formatted once, as the old writer's per-thread cache did
        LongSupplier twoPasses = () -> {
            try {
                ClientMessage.Request r = (ClientMessage.Request) codec.decodeClientMessage(payloadFirst);
                return SyncRpc.decodePush(r.payload()).batch().size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        LongSupplier onePass = () -> {
            try {
                ClientMessage.Request r = (ClientMessage.Request) codec.decodeClientMessage(liveStoreOrder);
                return r.decodedPush().orElseThrow().batch().size();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        LongSupplier freshPage = () -> {
            StringBuilder b = new StringBuilder("{\"_tag\":\"Chunk\",\"requestId\":\"12\",\"values\":[{\"batch\":[");
            for (int i = 0; i < stored.size(); i++) {
                b.append(i > 0 ? "," : "").append(ProtocolJson.encodeStoredEvent(stored.get(i)));
            }
            return b.append("],\"pageInfo\":{\"_tag\":\"NoMore\"},\"backendId\":\"backend-1\"}]}").length();
        };
        LongSupplier generatorPage = () -> JsonText.write(g -> {
            g.writeStartObject();
            g.writeStringField("_tag", "Chunk");
            g.writeStringField("requestId", "12");
            g.writeArrayFieldStart("values");
            g.writeStartObject();
            g.writeArrayFieldStart("batch");
            for (StoredEvent e : stored) {
                writeWithGenerator(g, e, createdAt);
            }
            g.writeEndArray();
            g.writeObjectFieldStart("pageInfo");
            g.writeStringField("_tag", "NoMore");
            g.writeEndObject();
            g.writeStringField("backendId", "backend-1");
            g.writeEndObject();
            g.writeEndArray();
            g.writeEndObject();
        }).length();
        LongSupplier keptPage = () -> codec.chunk("12", page).length();
        if (freshPage.getAsLong() != keptPage.getAsLong() || generatorPage.getAsLong() != keptPage.getAsLong()) {
            throw new IllegalStateException("the two pages differ");
        }
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] sums = new double[5];
        LongSupplier[] ops = {twoPasses, onePass, generatorPage, freshPage, keptPage};
        String[] names = {"push frame, two passes", "push frame, one pass", "page of 50, one generator (before)",
            "page of 50, events encoded afresh", "page of 50, kept encodings"};
        for (int round = 0; round <= rounds; round++) {
            for (int k = 0; k < ops.length; k++) {
                long sink = 0;
                int n = 2_000;
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    sink += ops[k].getAsLong();
                }
                double us = (threads.getCurrentThreadCpuTime() - start) / 1_000.0 / n;
                if (round > 0 && sink > 0) { // round 0 warms up
                    sums[k] += us;
                }
            }
        }
        for (int k = 0; k < ops.length; k++) {
            LOG.info(String.format(Locale.ROOT, "%-36s %8.2f µs CPU per operation (%.3f per event)",
                    names[k], sums[k] / rounds, sums[k] / rounds / BATCH));
        }
    }
}
