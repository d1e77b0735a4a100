package dev.eventsync.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a server's CPU went, from the JFR recordings {@link WireBenchmark} writes with {@code -Dwire.jfr=true}:
 * every execution sample is given to the first category (in the order below) one of whose methods is on its
 * stack, so "page encode" holds the Jackson work done inside {@code RpcCodec.chunk}, and "thread hand-offs"
 * only samples in executor machinery outside any Eventsync code. With the server's CPU time per event it
 * prints microseconds per event per category, as a Markdown table.
 *
 * <p>{@code java -cp <bench classpath> dev.eventsync.bench.ProfileBreakdown a.jfr 65.8 b.jfr 88.9 ...}
 * (file, CPU µs per event; pairs).
 */
public final class ProfileBreakdown {

    private static final Logger LOG = LoggerFactory.getLogger(ProfileBreakdown.class);
    private static final String OTHER = "other (JDK code outside these, GC helpers)";

    /** Category name to method-name fragments; the first category with a match on the stack wins. */
    static final Map<String, List<String>> CATEGORIES = new LinkedHashMap<>();

    static {
        CATEGORIES.put("args validity re-parse (ProtocolJson.isValidJson)", List.of("ProtocolJson.isValidJson"));
        CATEGORIES.put("event sizes (SizedEvent.of, encodedSize)",
                List.of("SizedEvent.of", "ProtocolJson.encodedSize", "EncodedSize."));
        CATEGORIES.put("timestamps (formatInstant)", List.of("ProtocolSerializers.formatInstant"));
        CATEGORIES.put("push rules (PushRules)", List.of("dev.eventsync.api.PushRules"));
        CATEGORIES.put("JSON: page encode (RpcCodec.chunk)", List.of("RpcCodec.chunk"));
        CATEGORIES.put("JSON: exit encode (RpcCodec.exit*)",
                List.of("RpcCodec.exitSuccess", "RpcCodec.exitFailure", "SyncRpc.pushAck"));
        CATEGORIES.put("JSON: frame decode (RpcCodec.decodeClientMessage)", List.of("RpcCodec.decodeClientMessage"));
        CATEGORIES.put("JSON: push payload decode (SyncRpc.decodePush)", List.of("SyncRpc.decodePush"));
        CATEGORIES.put("storage", List.of("dev.eventsync.memory", "dev.eventsync.jdbc", "org.sqlite", "org.postgresql",
                "com.zaxxer"));
        CATEGORIES.put("permessage-deflate (zlib)", List.of("java.util.zip", "io.netty.handler.codec.compression",
                "PerMessageDeflate", "DeflateEncoder", "DeflateDecoder"));
        CATEGORIES.put("metrics (Micrometer)", List.of("io.micrometer", "TransportMetrics"));
        CATEGORIES.put("logging", List.of("ch.qos.logback", "org.slf4j"));
        CATEGORIES.put("engine (core: admission, publication, pulls)", List.of("dev.eventsync.core"));
        CATEGORIES.put("transport (WsConnection, rest of impl-vertx)", List.of("dev.eventsync.vertx"));
        CATEGORIES.put("thread hand-offs (executors, futures, park/unpark)", List.of("java.util.concurrent",
                "jdk.internal.misc.Unsafe.park", "jdk.internal.misc.Unsafe.unpark", "SingleThreadEventExecutor.execute",
                "io.vertx.core.impl.ContextImpl", "io.vertx.core.impl.EventLoopExecutor"));
        CATEGORIES.put("WebSocket framing (netty websocketx)", List.of("io.netty.handler.codec.http.websocketx"));
        CATEGORIES.put("the floor's own protocol work", List.of("dev.eventsync.bench.floor"));
        CATEGORIES.put("netty / Vert.x I/O and buffers", List.of("io.netty", "io.vertx", "sun.nio"));
    }

    private ProfileBreakdown() {
    }

    /** Samples per category of one recording, {@link #OTHER} included; the total under {@code ""}. */
    static Map<String, Integer> categorize(Path recording) throws IOException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        int total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!"jdk.ExecutionSample".equals(event.getEventType().getName()) || event.getStackTrace() == null) {
                continue;
            }
            total++;
            List<String> names = new ArrayList<>();
            for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                names.add(frame.getMethod().getType().getName() + "." + frame.getMethod().getName());
            }
            String category = OTHER;
            search:
            for (Map.Entry<String, List<String>> c : CATEGORIES.entrySet()) {
                for (String name : names) {
                    for (String fragment : c.getValue()) {
                        if (name.contains(fragment)) {
                            category = c.getKey();
                            break search;
                        }
                    }
                }
            }
            counts.merge(category, 1, Integer::sum);
        }
        counts.put("", total);
        return counts;
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || args.length % 2 != 0) {
            throw new IllegalArgumentException("give pairs: <recording.jfr> <server CPU µs per event> ...");
        }
        List<Map<String, Integer>> counts = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        StringBuilder header = new StringBuilder("| share of server CPU |");
        StringBuilder rule = new StringBuilder("|---|");
        for (int i = 0; i < args.length; i += 2) {
            Map<String, Integer> c = categorize(Path.of(args[i]));
            counts.add(c);
            cpu.add(Double.parseDouble(args[i + 1]));
            header.append(String.format(Locale.ROOT, " %s (%d samples, %s µs/event) |",
                    Path.of(args[i]).getFileName(), c.get(""), args[i + 1]));
            rule.append("---:|");
        }
        LOG.info(header.toString());
        LOG.info(rule.toString());
        List<String> rows = new ArrayList<>(CATEGORIES.keySet());
        rows.add(OTHER);
        for (String row : rows) {
            StringBuilder line = new StringBuilder("| " + row + " |");
            for (int i = 0; i < counts.size(); i++) {
                int total = counts.get(i).get("");
                double share = total == 0 ? 0 : counts.get(i).getOrDefault(row, 0) / (double) total;
                line.append(String.format(Locale.ROOT, " %.0f%% (%.1f µs) |", 100 * share, share * cpu.get(i)));
            }
            LOG.info(line.toString());
        }
    }
}
