package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.core.EngineSettings;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.transport.CallContext;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Measurements behind the bounds of issue 10, run only on request ({@code -Deventsync.measure=true}): memory of a
 * permessage-deflate bomb with the bounded inflater and with Vert.x's own, and the engine's heap and
 * {@code /metrics} size after 20 000 short-lived stores. They print figures; they assert only what the bounds
 * promise.
 */
@EnabledIfSystemProperty(named = "eventsync.measure", matches = "true")
class BoundsMeasurement {

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    @Test
    void deflateBomb() throws Exception {
        byte[] compressed = WebSocketCompressionTest.deflate(WebSocketCompressionTest.bigPush(200 << 20));
        try (TestServer server = TestServer.start(VertxSettings.defaults().withWebSocketCompression(true))) {
            System.gc();
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                p.resetPeakUsage();
            }
            long start = System.nanoTime();
            Optional<Integer> code;
            try (RawFrames ws = RawFrames.connect(server.port, "/?storeId=z&transport=ws",
                    "Sec-WebSocket-Extensions: permessage-deflate")) {
                ws.frame(true, 4, RawFrames.TEXT, true, compressed);
                code = ws.awaitClose().map(RawFrames.Frame::closeCode);
            }
            long peak = 0;
            for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
                if (p.getType() == MemoryType.HEAP) {
                    peak += p.getPeakUsage().getUsed();
                }
            }
            System.out.printf("MEASURE deflate bomb: %d bytes on the wire inflating to 200 MiB -> close %s after %d ms,"
                    + " peak heap %d MB%n", compressed.length, code.orElse(-1), (System.nanoTime() - start) / 1_000_000,
                    peak >> 20);
            assertThat(code).contains(1009);
        }
    }

    @Test
    void twentyThousandShortLivedStores() throws Exception {
        for (int maxIdle : new int[] {EngineSettings.DEFAULT_MAX_IDLE_STORES, Integer.MAX_VALUE}) {
            InMemoryEventStore storage = new InMemoryEventStore();
            long before = usedHeapAfterGc();
            try (SyncEngine engine = SyncEngine.builder(storage)
                    .settings(EngineSettings.DEFAULTS.withMaxIdleStores(maxIdle)).build()) {
                for (int i = 0; i < 20_000; i++) {
                    engine.push(CallContext.local(StoreId.of("short-" + i)),
                            List.of(Event.of("v1.X", "{}", 1, 0, "c", "s")), Optional.empty()).toCompletableFuture().join();
                }
                long after = usedHeapAfterGc();
                storage.stores().forEach(info -> { });
                System.out.printf("MEASURE 20000 stores, maxIdleStores=%s: engine holds %d stores, heap +%d MB "
                        + "(storage included)%n", maxIdle == Integer.MAX_VALUE ? "unbounded" : maxIdle,
                        engine.cachedStoreCount(), (after - before) >> 20);
            }
        }
        for (boolean perStore : new boolean[] {false, true}) {
            try (TestServer server = TestServer.start(VertxSettings.defaults().withStoreHeadMetrics(perStore))) {
                for (int i = 0; i < 3_000; i++) {
                    try (RawHttp http = new RawHttp(server.port)) {
                        http.post("/?storeId=m" + i + "&transport=http", "{\"_tag\":\"Request\",\"id\":\"1\","
                                + "\"tag\":\"SyncHttpRpc.Push\",\"payload\":{\"storeId\":\"m" + i + "\",\"batch\":["
                                + "{\"name\":\"v1.X\",\"args\":{},\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\","
                                + "\"sessionId\":\"s\"}],\"backendId\":{\"_tag\":\"None\"}},\"headers\":[]}");
                    }
                }
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                System.out.printf("MEASURE /metrics after 3000 stores, per-store %s: %d bytes, %d store series%n",
                        perStore ? "on" : "off", metrics.length(),
                        metrics.lines().filter(l -> l.startsWith("eventsync_store_head{")).count());
            }
        }
    }
}
