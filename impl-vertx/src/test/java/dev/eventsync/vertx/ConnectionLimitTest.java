package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Connections are bounded in total and per remote address: one over a limit gets a 503 naming the limit and is
 * closed, {@code /health} is still answered on it, each refusal is counted, and a freed slot is usable again.
 */
class ConnectionLimitTest {

    @Test
    void perAddressAndTotalLimitsRefuseClearlyAndKeepHealthReachable() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults().withMaxConnections(4)
                .withMaxConnectionsPerAddress(3))) {
            List<RawHttp> held = new ArrayList<>();
            int refusedWaits = 0; // connections refused while the server had not yet seen a close, counted too
            try {
                for (int i = 0; i < 3; i++) {
                    RawHttp c = new RawHttp(server.port, "127.0.0.1");
                    assertThat(c.get("/health").status()).isEqualTo(200); // keep-alive: the connection stays open
                    held.add(c);
                }
                try (RawHttp fourth = new RawHttp(server.port, "127.0.0.1")) {
                    RawHttp.Response r = fourth.post("/?storeId=c&transport=http", "{}");
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(r.body()).contains("too many open connections from 127.0.0.1").contains("limit 3");
                    assertThat(fourth.closedByServer()).isTrue();
                }
                // the server sees the refused fourth connection close a moment after the client does; until then a
                // new connection is over the total limit and is refused (and closed) too, so wait for a kept one
                RawHttp other = null;
                long seen = System.currentTimeMillis() + 5000;
                while (other == null) {
                    RawHttp candidate = new RawHttp(server.port, "127.0.0.2");
                    RawHttp.Response health = candidate.get("/health");
                    assertThat(health.status()).isEqualTo(200);
                    if (!health.head().contains("connection: close")) {
                        other = candidate;
                    } else {
                        candidate.close();
                        refusedWaits++;
                        assertThat(System.currentTimeMillis()).as("the server never saw the refused connection close")
                                .isLessThan(seen);
                        Thread.sleep(20);
                    }
                }
                held.add(other); // 4 open: the total limit is reached
                try (RawHttp fifth = new RawHttp(server.port, "127.0.0.3")) {
                    RawHttp.Response health = fifth.get("/health");
                    assertThat(health.status()).isEqualTo(200); // health answers even over the limit...
                    assertThat(health.head()).contains("connection: close");
                    assertThat(fifth.closedByServer()).isTrue(); // ...and then closes
                }
                try (RawHttp sixth = new RawHttp(server.port, "127.0.0.3")) {
                    RawHttp.Response r = sixth.get("/?storeId=c&transport=ws");
                    assertThat(r.status()).isEqualTo(503);
                    assertThat(r.body()).contains("too many open connections (limit 4)");
                }
            } finally {
                for (RawHttp c : held) {
                    c.close();
                }
            }
            // the slots are free again (closing is seen by the server shortly after)
            long deadline = System.currentTimeMillis() + 5000;
            int status = 0;
            int refusedPolls = 0; // a poll that comes before the server saw a close is refused, and counted, too
            while (System.currentTimeMillis() < deadline && status != 200) {
                try (RawHttp again = new RawHttp(server.port, "127.0.0.1")) {
                    status = again.post("/?storeId=c&transport=http", "{\"_tag\":\"Request\",\"id\":\"1\","
                            + "\"tag\":\"SyncHttpRpc.Ping\",\"payload\":{\"storeId\":\"c\"},\"headers\":[]}").status();
                }
                if (status == 503) {
                    refusedPolls++;
                }
                if (status != 200) {
                    Thread.sleep(50);
                }
            }
            assertThat(status).isEqualTo(200);
            double perAddress = WebSocketRfcTest.metric(server,
                    "eventsync_connections_rejected_total{reason=\"too_many_connections_per_address\"}");
            double total = WebSocketRfcTest.metric(server,
                    "eventsync_connections_rejected_total{reason=\"too_many_connections\"}");
            assertThat(perAddress).isGreaterThanOrEqualTo(1);
            assertThat(total).isGreaterThanOrEqualTo(2);
            assertThat(perAddress + total).as("the three refusals above, the refused waits and the refused polls").isEqualTo(3 + refusedWaits + refusedPolls);
        }
    }

    @Test
    void aRefusedConnectionThatSendsNothingIsClosed() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults().withMaxConnectionsPerAddress(1));
             RawHttp first = new RawHttp(server.port)) {
            assertThat(first.get("/health").status()).isEqualTo(200);
            try (RawHttp idle = new RawHttp(server.port)) {
                long start = System.nanoTime();
                assertThat(idle.closedByServer()).isTrue();
                assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1000L, 9000L);
            }
        }
    }

    @Test
    void closedWebSocketsFreeTheirSlots() throws Exception {
        try (TestServer server = TestServer.start(VertxSettings.defaults().withMaxConnectionsPerAddress(3))) {
            // ten WebSockets one after the other, each closed before the next: never more than one open, so none may
            // be refused (each close counted late makes at most a short wait, never a lock-out)
            for (int i = 0; i < 10; i++) {
                long deadline = System.currentTimeMillis() + 5000;
                while (true) {
                    try (VertxSyncBackend client = VertxSyncBackend.create(TestServer.sharedVertx(),
                            VertxClientSettings.of(server.wsUri(), dev.eventsync.api.StoreId.of("slots")))) {
                        client.ping().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
                        break;
                    } catch (java.util.concurrent.ExecutionException e) {
                        assertThat(System.currentTimeMillis()).as("WebSocket #%d refused for good: %s", i, e.getCause())
                                .isLessThan(deadline);
                        Thread.sleep(50);
                    }
                }
            }
        }
    }
}
