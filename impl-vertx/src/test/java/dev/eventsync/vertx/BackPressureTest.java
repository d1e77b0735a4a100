package dev.eventsync.vertx;

import static dev.eventsync.vertx.RawWs.NONE;
import static dev.eventsync.vertx.RawWs.pull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.transport.CallContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The socket's write queue paces a pull even when Acks would allow more: a client that stops reading stops the
 * server from reading further pages, and gets them all once it reads again.
 */
class BackPressureTest {

    private static final int EVENTS = 15_000;
    private static final int PAGES = EVENTS / 100;

    @Test
    void aClientThatStopsReadingStopsThePull() throws Exception {
        VertxSettings settings = VertxSettings.defaults().withMaxUnackedChunks(10_000).withWriteQueueMaxBytes(64 * 1024)
                .withMaxFrameBytes(4 << 20);
        try (TestServer server = TestServer.start(settings)) {
            StoreId store = StoreId.of("bp");
            String blob = "x".repeat(2_000);
            for (long from = 1; from <= EVENTS; from += 100) {
                List<Event> batch = new ArrayList<>();
                for (long s = from; s < from + 100; s++) {
                    batch.add(Event.of("e", "{\"b\":\"" + blob + "\"}", s, s - 1, "c", "s"));
                }
                server.engine.push(CallContext.local(store), batch, Optional.empty()).toCompletableFuture()
                        .get(10, TimeUnit.SECONDS);
            }
            try (RawWs ws = RawWs.connectWithSmallReceiveBuffer(server.port, "/?storeId=bp&transport=ws")) {
                ws.socket.pause(); // stop reading: the server's writes pile up in its queue and the TCP buffers
                ws.send(pull("0", "bp", false, NONE));
                Thread.sleep(1_500);
                double sentWhilePaused = pagesSent(server);
                LoggerFactory.getLogger(BackPressureTest.class).info("{} of {} pages sent while the client did not read",
                        sentWhilePaused, PAGES);
                assertThat(sentWhilePaused).as("pages sent to a client that does not read").isLessThan(PAGES);

                ws.socket.resume();
                int chunks = 0;
                while (chunks < PAGES) {
                    String frame = ws.nextRaw();
                    if (frame.startsWith("{\"_tag\":\"Chunk\"")) {
                        chunks++;
                    }
                }
                assertThat(ws.next().path("_tag").asText()).isEqualTo("Exit");
                assertThat(pagesSent(server)).isEqualTo(PAGES);
            }
        }
    }

    private static double pagesSent(TestServer server) {
        return server.server.meterRegistry().find("eventsync.pull.pages").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
