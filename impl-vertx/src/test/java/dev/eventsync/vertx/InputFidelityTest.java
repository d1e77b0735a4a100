package dev.eventsync.vertx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.SeqNums;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncLimits;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.core.SyncEngine;
import dev.eventsync.jdbc.JdbcEventStore;
import dev.eventsync.jdbc.JdbcSettings;
import dev.eventsync.memory.InMemoryEventStore;
import dev.eventsync.spi.storage.EventStore;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, kind 1, over the real wire (WebSocket and HTTP) on every storage (memory, SQLite on a file,
 * PostgreSQL and MariaDB over real connections): a value is either stored and returned byte for byte, or
 * refused with a permanent, typed {@code InvalidBatch} (or {@code InvalidRequest} for a body that is not UTF-8)
 * naming the field; never rewritten, never a retryable error, never SQL in the answer; nothing is stored.
 */
class InputFidelityTest {

    private static final String PG_URL = env("EVENTSYNC_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/eventsync_test");
    private static final String PG_USER = env("EVENTSYNC_TEST_PG_USER", "postgres");
    private static final String PG_PASSWORD = env("EVENTSYNC_TEST_PG_PASSWORD", "");
    private static final String MARIADB_URL = env("EVENTSYNC_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/");
    private static final String MARIADB_USER = env("EVENTSYNC_TEST_MARIADB_USER", "root");
    private static final String MARIADB_PASSWORD = env("EVENTSYNC_TEST_MARIADB_PASSWORD", "");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private EventStore store;
    private int port;
    private int nextId;

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }

    private void start(String kind) throws Exception {
        store = switch (kind) {
            case "memory" -> new InMemoryEventStore();
            case "sqlite" -> {
                Path dir = Files.createTempDirectory("eventsync-fidelity-");
                yield JdbcEventStore.open(JdbcSettings.sqlite(dir.resolve("eventsync.db")));
            }
            case "postgresql" -> JdbcEventStore.open(JdbcSettings.of(postgresSchema()).withCredentials(PG_USER, PG_PASSWORD)
                    .withMaximumPoolSize(3));
            case "mariadb" -> JdbcEventStore.open(JdbcSettings.of(mariaDbDatabase())
                    .withCredentials(MARIADB_USER, MARIADB_PASSWORD).withMaximumPoolSize(3));
            default -> throw new IllegalArgumentException(kind);
        };
        resources.add(store);
        SyncEngine engine = SyncEngine.builder(store).limits(SyncLimits.defaults()).build();
        resources.add(engine);
        VertxSyncServer server = VertxSyncServer.builder(engine).settings(VertxSettings.defaults().withPort(0)).build();
        port = server.start().toCompletableFuture().get(10, TimeUnit.SECONDS);
        resources.add(() -> server.stop(Duration.ofSeconds(2)).toCompletableFuture().get(10, TimeUnit.SECONDS));
    }

    private static String event(String name, String args, long seq, long parent, String clientId, String sessionId) {
        return "{\"name\":" + name + (args == null ? "" : ",\"args\":" + args) + ",\"seqNum\":" + seq
                + ",\"parentSeqNum\":" + parent + ",\"clientId\":" + clientId + ",\"sessionId\":" + sessionId + "}";
    }

    private static String ok(String s) {
        return "\"" + s + "\"";
    }

    // ---------------------------------------------------------------- the two transports

    /** Pushes {@code batch} (JSON text of an array) over {@code transport}; the Exit's JSON. */
    private JsonNode push(String transport, String storeId, String batch) throws Exception {
        String id = Integer.toString(nextId++);
        String payload = "{\"storeId\":\"" + storeId + "\",\"batch\":" + batch + ",\"backendId\":{\"_tag\":\"None\"}}";
        return exit(transport, storeId, id, payload, "Push", payload.getBytes(StandardCharsets.UTF_8));
    }

    private JsonNode exit(String transport, String storeId, String id, String payload, String rpc, byte[] rawPayload)
            throws Exception {
        if (transport.equals("ws")) {
            try (RawWs ws = RawWs.connect(port, "/?storeId=" + storeId + "&transport=ws")) {
                ws.send("{\"_tag\":\"Request\",\"id\":\"" + id + "\",\"tag\":\"SyncWsRpc." + rpc + "\",\"payload\":"
                        + payload + ",\"headers\":[]}");
                JsonNode m = ws.next();
                assertThat(m.path("_tag").asText()).as("answer %s", m).isEqualTo("Exit");
                return m;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("{\"_tag\":\"Request\",\"id\":\"" + id + "\",\"tag\":\"SyncHttpRpc." + rpc + "\",\"payload\":")
                .getBytes(StandardCharsets.UTF_8));
        body.writeBytes(rawPayload);
        body.writeBytes(",\"headers\":[]}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/?storeId=" + storeId + "&transport=http")).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode messages = ProtocolJson.readTree(r.body());
        JsonNode last = messages.get(messages.size() - 1);
        assertThat(last.path("_tag").asText()).as("answer %s", r.body()).isEqualTo("Exit");
        return last;
    }

    /** All events of the store as the JSON text of their {@code eventEncoded}, pulled over {@code transport}. */
    private List<String> pullEncoded(String transport, String storeId) throws Exception {
        String payload = "{\"storeId\":\"" + storeId + "\",\"live\":false,\"cursor\":{\"_tag\":\"None\"}}";
        List<String> frames = new ArrayList<>();
        if (transport.equals("ws")) {
            try (RawWs ws = RawWs.connect(port, "/?storeId=" + storeId + "&transport=ws")) {
                ws.send("{\"_tag\":\"Request\",\"id\":\"p\",\"tag\":\"SyncWsRpc.Pull\",\"payload\":" + payload
                        + ",\"headers\":[]}");
                for (String frame = ws.nextRaw(); !frame.contains("\"Exit\""); frame = ws.nextRaw()) {
                    frames.add(frame);
                    ws.send("{\"_tag\":\"Ack\",\"requestId\":\"p\"}");
                }
            }
        } else {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/?storeId=" + storeId + "&transport=http")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"_tag\":\"Request\",\"id\":\"p\",\"tag\":"
                            + "\"SyncHttpRpc.Pull\",\"payload\":" + payload + ",\"headers\":[]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            frames.add(r.body());
        }
        List<String> encoded = new ArrayList<>();
        for (String frame : frames) {
            // eventEncoded is written from the stored text: slice it out of the raw frame to compare bytes
            int from = 0;
            while ((from = frame.indexOf("\"eventEncoded\":", from)) >= 0) {
                int start = from + "\"eventEncoded\":".length();
                int end = frame.indexOf(",\"metadata\":", start);
                encoded.add(frame.substring(start, end));
                from = end;
            }
        }
        return encoded;
    }

    private static void assertRefused(JsonNode exit, String... reasonParts) {
        assertThat(exit.path("exit").path("_tag").asText()).as("exit %s", exit).isEqualTo("Failure");
        String error = exit.path("exit").path("cause").toString();
        assertThat(error).as("error").contains(reasonParts)
                .doesNotContain("retry later", "INSERT", "eventsync_event", "SQL", "Unavailable");
    }

    // ---------------------------------------------------------------- the kinds

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "sqlite", "postgresql", "mariadb"})
    void stringFieldsWithNulOrUnpairedSurrogatesAreRefusedNamingTheFieldOnBothTransports(String kind) throws Exception {
        start(kind);
        String[] bad = {"a\\u0000b", "v1.Note\\ud800x", "x\\udc00", "\\ud83d"};
        for (String transport : List.of("ws", "http")) {
            String storeId = "fields-" + transport;
            for (String value : bad) {
                for (String field : List.of("name", "clientId", "sessionId")) {
                    String event = event(field.equals("name") ? ok(value) : ok("v1.Note"), "{}", 1, 0,
                            field.equals("clientId") ? ok(value) : ok("c"), field.equals("sessionId") ? ok(value) : ok("s"));
                    assertRefused(push(transport, storeId, "[" + event + "]"), "invalid batch at event #0: " + field
                            + " contains");
                    // the identical retry is refused the same way (permanent), never ServerAhead
                    assertRefused(push(transport, storeId, "[" + event + "]"), field + " contains");
                }
            }
            // longer than every storage keeps (MariaDB TEXT: 64 KiB): refused, not a retryable database error
            String tooLong = ok("\u00e9".repeat(8193));
            assertRefused(push(transport, storeId, "[" + event(tooLong, "{}", 1, 0, ok("c"), ok("s")) + "]"),
                    "name has 8193 characters");
            assertRefused(push(transport, storeId, "[" + event(ok("n"), "{}", 1, 0, tooLong, ok("s")) + "]"),
                    "clientId has 8193 characters");
            assertThat(store.head(StoreId.of(storeId))).isZero();
            assertThat(store.stores()).noneMatch(info -> info.storeId().value().equals(storeId));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "sqlite", "postgresql", "mariadb"})
    void everyAcceptedFieldComesBackByteForByteOnBothTransports(String kind) throws Exception {
        start(kind);
        List<String> sent = List.of(
                event(ok("v1.Note\\ud83d\\ude00 \\u00e9e\\u0301"), "{\"t\":\"nul \\u0000 lone \\ud800 pair \\ud83d\\ude00\"}",
                        1, 0, ok("client-\\u0001\\u007f"), ok("s\\t1")),
                event(ok("v1.\u4e2d\u6587"), "[ 1.50, -0, 1E400, 12345678901234567890 ]", 2, 1, ok("\u00e9"),
                        ok("\ud83c\udf89")),
                event(ok("v1.NoArgs"), null, SeqNums.MAX_SAFE_INTEGER, 2, ok("c"), ok("s")));
        for (String transport : List.of("ws", "http")) {
            String storeId = "exact-" + transport;
            JsonNode acked = push(transport, storeId, "[" + String.join(",", sent) + "]");
            assertThat(acked.path("exit").path("_tag").asText()).as("exit %s", acked).isEqualTo("Success");
            assertThat(store.head(StoreId.of(storeId))).isEqualTo(SeqNums.MAX_SAFE_INTEGER);
            for (String reader : List.of("ws", "http")) {
                List<String> back = pullEncoded(reader, storeId);
                assertThat(back).hasSize(3);
                for (int i = 0; i < 3; i++) {
                    // the server writes events canonically (escaping as JSON requires) but args as sent
                    JsonNode want = ProtocolJson.readTree(sent.get(i));
                    JsonNode got = ProtocolJson.readTree(back.get(i));
                    assertThat(got).as("event %d pushed over %s, pulled over %s", i, transport, reader).isEqualTo(want);
                    if (want.has("args")) {
                        String rawArgs = sent.get(i).substring(sent.get(i).indexOf("\"args\":") + 7,
                                sent.get(i).indexOf(",\"seqNum\""));
                        assertThat(back.get(i)).as("raw args of event %d", i).contains("\"args\":" + rawArgs + ",");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "postgresql"})
    void seqNumsBeyondTwoToThe53MinusOneAreRefused(String kind) throws Exception {
        start(kind);
        for (String transport : List.of("ws", "http")) {
            String storeId = "big-" + transport;
            for (long seq : new long[] {9007199254740992L, 9007199254740993L, Long.MAX_VALUE}) {
                assertRefused(push(transport, storeId, "[" + event(ok("n"), "{}", seq, 0, ok("c"), ok("s")) + "]"),
                        "at most 2^53-1");
            }
            assertThat(store.head(StoreId.of(storeId))).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "sqlite"})
    void anHttpBodyThatIsNotUtf8IsATypedRefusalAndStoresNothing(String kind) throws Exception {
        start(kind);
        for (byte[] bad : List.of(new byte[] {(byte) 0xFF, (byte) 0xFE}, new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, new byte[] {(byte) 0xE2, (byte) 0x82})) {
            ByteArrayOutputStream payload = new ByteArrayOutputStream();
            payload.writeBytes(("{\"storeId\":\"utf\",\"batch\":[{\"name\":\"n\",\"args\":\"x").getBytes(StandardCharsets.UTF_8));
            payload.writeBytes(bad);
            payload.writeBytes(("y\",\"seqNum\":1,\"parentSeqNum\":0,\"clientId\":\"c\",\"sessionId\":\"s\"}],"
                    + "\"backendId\":{\"_tag\":\"None\"}}").getBytes(StandardCharsets.UTF_8));
            JsonNode exit = exit("http", "utf", "9", null, "Push", payload.toByteArray());
            assertThat(exit.path("requestId").asText()).isEqualTo("9");
            assertRefused(exit, "not valid UTF-8");
        }
        assertThat(store.head(StoreId.of("utf"))).isZero();
        assertThat(store.stores()).isEmpty();
    }

    /**
     * Reads never create stores: pulls of unknown stores over both transports answer one empty {@code NoMore}
     * page and leave no trace in the storage; the backendId they answered is the one the store keeps when a
     * later push (sending that backendId, as LiveStore's client does) creates it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"memory", "sqlite", "postgresql", "mariadb"})
    void pullsOfUnknownStoresCreateNothingAndTheirBackendIdSurvivesTheFirstPush(String kind) throws Exception {
        start(kind);
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String transport = i % 2 == 0 ? "ws" : "http";
            String storeId = "unknown-" + i;
            String payload = "{\"storeId\":\"" + storeId + "\",\"live\":false,\"cursor\":{\"_tag\":\"None\"}}";
            JsonNode page = pullPages(transport, storeId, payload).get(0);
            assertThat(page.path("batch").size()).isZero();
            assertThat(page.path("pageInfo").path("_tag").asText()).isEqualTo("NoMore");
            answered.add(page.path("backendId").asText());
        }
        assertThat(store.stores()).as("stores after 50 pulls of unknown stores").isEmpty();
        assertThat(answered).doesNotHaveDuplicates().allSatisfy(id -> assertThat(id).isNotBlank());
        for (String transport : List.of("ws", "http")) {
            String storeId = transport.equals("ws") ? "unknown-0" : "unknown-1";
            String backendId = answered.get(transport.equals("ws") ? 0 : 1);
            String payload = "{\"storeId\":\"" + storeId + "\",\"batch\":[" + event(ok("n"), "{}", 1, 0, ok("c"),
                    ok("s")) + "],\"backendId\":{\"_tag\":\"Some\",\"value\":\"" + backendId + "\"}}";
            JsonNode acked = exit(transport, storeId, "7", payload, "Push", payload.getBytes(StandardCharsets.UTF_8));
            assertThat(acked.path("exit").path("_tag").asText()).as("push with the pulled backendId: %s", acked)
                    .isEqualTo("Success");
            assertThat(store.backendId(StoreId.of(storeId))).isEqualTo(backendId);
        }
        assertThat(store.stores()).extracting(info -> info.storeId().value())
                .containsExactlyInAnyOrder("unknown-0", "unknown-1");
    }

    private List<JsonNode> pullPages(String transport, String storeId, String payload) throws Exception {
        List<JsonNode> pages = new ArrayList<>();
        if (transport.equals("ws")) {
            try (RawWs ws = RawWs.connect(port, "/?storeId=" + storeId + "&transport=ws")) {
                ws.send("{\"_tag\":\"Request\",\"id\":\"p\",\"tag\":\"SyncWsRpc.Pull\",\"payload\":" + payload
                        + ",\"headers\":[]}");
                for (JsonNode m = ws.next(); m.path("_tag").asText().equals("Chunk"); m = ws.next()) {
                    m.path("values").forEach(pages::add);
                    ws.send("{\"_tag\":\"Ack\",\"requestId\":\"p\"}");
                }
            }
        } else {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                            + "/?storeId=" + storeId + "&transport=http")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"_tag\":\"Request\",\"id\":\"p\",\"tag\":"
                            + "\"SyncHttpRpc.Pull\",\"payload\":" + payload + ",\"headers\":[]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode m : ProtocolJson.readTree(r.body())) {
                if (m.path("_tag").asText().equals("Chunk")) {
                    m.path("values").forEach(pages::add);
                }
            }
        }
        return pages;
    }

    // ---------------------------------------------------------------- databases

    private static String postgresSchema() {
        String database = PG_URL.substring(PG_URL.lastIndexOf('/') + 1).split("\\?")[0];
        execute(PG_URL.substring(0, PG_URL.lastIndexOf('/') + 1) + "postgres", PG_USER, PG_PASSWORD,
                "CREATE DATABASE " + database, "42P04", "23505");
        String schema = "es_fid_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(PG_URL, PG_USER, PG_PASSWORD, "CREATE SCHEMA " + schema);
        return PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private String mariaDbDatabase() {
        String database = "es_fid_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        execute(MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD, "CREATE DATABASE " + database
                + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        resources.add(() -> execute(MARIADB_URL, MARIADB_USER, MARIADB_PASSWORD, "DROP DATABASE " + database));
        return MARIADB_URL + database;
    }

    private static void execute(String url, String user, String password, String sql, String... tolerated) {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            if (List.of(tolerated).contains(e.getSQLState())) {
                return;
            }
            String message = url + " is not usable as " + user + " (" + e.getMessage() + "); .ci/run shows how to"
                    + " start the test databases";
            if (System.getenv("CI") != null) {
                fail("CI is set, so this database test must run: " + message);
            }
            Assumptions.abort(message);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
