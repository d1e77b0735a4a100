package dev.eventsync.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import dev.eventsync.api.json.ProtocolJson;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ResourceLimits;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import dev.eventsync.server.testing.RecordingPull;
import dev.eventsync.vertx.VertxClientSettings;
import dev.eventsync.vertx.VertxSyncBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The admin API over real HTTP against a real server, with real sync clients connected. */
class AdminApiTest {

    private static final String TOKEN = "admin-token-for-tests-0123456789";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private EventsyncServer server;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void start() {
        server = Eventsync.builder().config(ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"))
                .withHttp(HttpOptions.defaults().withAdminToken(TOKEN))).build().start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        server.close();
    }

    private static <T> T join(CompletionStage<T> stage) {
        return stage.toCompletableFuture().orTimeout(20, TimeUnit.SECONDS).join();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> send(String method, String path, Optional<String> authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        authorization.ifPresent(a -> request.header("Authorization", a));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode admin(String method, String path, int expectedStatus) throws Exception {
        HttpResponse<String> r = send(method, path, Optional.of("Bearer " + TOKEN));
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expectedStatus);
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        return ProtocolJson.readTree(r.body());
    }

    /**
     * One request over a raw socket, for targets {@link URI} refuses (a malformed %-escape): the status, the
     * content type and the body of the answer.
     */
    private static String[] raw(int port, String method, String target, boolean token) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + (token ? "Authorization: Bearer " + TOKEN + "\r\n" : "") + "Connection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            int end = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, end);
            String type = head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-type:"))
                    .map(l -> l.substring(13).strip()).findFirst().orElse("");
            return new String[] {head.substring(9, 12), type, answer.substring(end + 4)};
        }
    }

    private VertxSyncBackend client(String store) {
        VertxSyncBackend client = VertxSyncBackend.create(
                VertxClientSettings.of(URI.create("ws://127.0.0.1:" + server.port()), StoreId.of(store)));
        closeables.add(client);
        return client;
    }

    private static List<Event> chain(long parent, int count, String clientId) {
        List<Event> events = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            events.add(Event.of("todoCreated-v1", "{\"id\":\"t" + (parent + i) + "\"}", parent + i, parent + i - 1,
                    clientId, "session-1"));
        }
        return events;
    }

    @Test
    void everyApiRequestNeedsTheTokenAndARefusalChangesNothing() throws Exception {
        join(client("kept").push(chain(0, 2, "c1")));
        for (Optional<String> wrong : List.of(Optional.<String>empty(), Optional.of("Bearer nope"),
                Optional.of(TOKEN), Optional.of("Bearer " + TOKEN + "x"), Optional.of("Basic " + TOKEN),
                Optional.of("Bearer " + TOKEN.substring(0, TOKEN.length() - 1)))) {
            for (String[] call : new String[][] {{"GET", "/admin/api/stores"}, {"GET", "/admin/api/store?storeId=kept"},
                    {"POST", "/admin/api/store/reset?storeId=kept"}, {"DELETE", "/admin/api/store?storeId=kept"},
                    {"GET", "/admin/api/store/tail?storeId=kept"}, {"GET", "/admin/api/unknown"},
                    {"GET", "/admin/api/store?storeId=nope"}, {"POST", "/admin/api/store/reset?storeId=bad%2Fid"}}) {
                HttpResponse<String> r = send(call[0], call[1], wrong);
                assertThat(r.statusCode()).as("%s %s with %s", call[0], call[1], wrong).isEqualTo(401);
                assertThat(r.headers().firstValue("www-authenticate")).hasValue("Bearer realm=\"eventsync-admin\"");
                assertThat(ProtocolJson.readTree(r.body()).path("error").asText()).isEqualTo("unauthorized");
            }
        }
        JsonNode kept = admin("GET", "/admin/api/store?storeId=kept", 200);
        assertThat(kept.path("head").asLong()).isEqualTo(2);
        // lower-case scheme is as good (RFC 7235: the scheme is case-insensitive)
        assertThat(send("GET", "/admin/api/stores", Optional.of("bearer " + TOKEN)).statusCode()).isEqualTo(200);
    }

    @Test
    void listsStoresAndAStoresLiveClientsWithTheirLag() throws Exception {
        VertxSyncBackend a = client("todos");
        join(a.push(chain(0, 3, "client-a")));
        RecordingPull live = new RecordingPull();
        a.pull(Optional.empty(), true).subscribe(live);
        live.awaitSeqNum(3);
        join(client("other").push(chain(0, 1, "client-b")));

        JsonNode stores = admin("GET", "/admin/api/stores", 200).path("stores");
        assertThat(stores).hasSize(2);
        JsonNode todos = stores.get(1);
        assertThat(todos.path("storeId").asText()).isEqualTo("todos");
        assertThat(todos.path("head").asLong()).isEqualTo(3);
        assertThat(todos.path("eventCount").asLong()).isEqualTo(3);
        assertThat(todos.path("backendId").asText()).isNotBlank();
        assertThat(todos.path("liveSubscribers").asInt()).isEqualTo(1);
        assertThat(todos.path("lastPushAt").asText()).matches("20\\d\\d-.*Z");
        assertThat(stores.get(0).path("storeId").asText()).isEqualTo("other");
        assertThat(stores.get(0).path("liveSubscribers").asInt()).isZero();

        JsonNode one = admin("GET", "/admin/api/store?storeId=todos", 200);
        assertThat(one.path("head").asLong()).isEqualTo(3);
        JsonNode client = one.path("clients").get(0);
        assertThat(one.path("clients")).hasSize(1);
        assertThat(client.path("clientId").asText()).isEqualTo("client-a");
        assertThat(client.path("transport").asText()).isEqualTo("ws");
        assertThat(client.path("remoteAddress").asText()).startsWith("127.0.0.1:");
        assertThat(client.path("cursor").asLong()).isEqualTo(3);
        assertThat(client.path("live").asBoolean()).isTrue();
        assertThat(client.path("lagEvents").asLong()).isZero();
        assertThat(client.path("lagMs").asLong()).isZero();

        assertThat(admin("GET", "/admin/api/store?storeId=missing", 404).path("error").asText()).isEqualTo("not_found");
        assertThat(admin("GET", "/admin/api/store?storeId=bad%20id", 400).path("message").asText())
                .contains("invalid storeId");
    }

    @Test
    void tailStreamsTheBacklogThenLiveEventsAsServerSentEvents() throws Exception {
        VertxSyncBackend a = client("tailed");
        join(a.push(chain(0, 3, "client-a")));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri("/admin/api/store/tail?storeId=tailed&after=1"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
        Thread reader = new Thread(() -> response.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        JsonNode backlog = awaitEvent(lines, "events");
        assertThat(backlog.path("events")).extracting(e -> e.path("seqNum").asLong()).containsExactly(2L, 3L);
        assertThat(backlog.path("events").get(0).path("args").path("id").asText()).isEqualTo("t2");
        assertThat(backlog.path("events").get(0).path("clientId").asText()).isEqualTo("client-a");
        assertThat(awaitEvent(lines, "caught-up").path("cursor").asLong()).isEqualTo(3);
        join(a.push(chain(3, 2, "client-a")));
        JsonNode live = awaitEvent(lines, "events");
        assertThat(live.path("events")).extracting(e -> e.path("seqNum").asLong()).containsExactly(4L, 5L);
        // the tail shows among the store's clients, as an admin one
        assertThat(admin("GET", "/admin/api/store?storeId=tailed", 200).path("clients"))
                .anySatisfy(c -> assertThat(c.path("transport").asText()).isEqualTo("admin"));
        // deleting the store ends the tail with an error event
        admin("DELETE", "/admin/api/store?storeId=tailed", 200);
        assertThat(awaitEvent(lines, "error").path("error").asText()).isEqualTo("backend_id_mismatch");
        assertThat(admin("GET", "/admin/api/store/tail?storeId=tailed", 404).path("error").asText())
                .isEqualTo("not_found");
        assertThat(admin("GET", "/admin/api/store/tail?storeId=x&after=-1", 400).path("message").asText())
                .contains("after");
    }

    @Test
    void aStoppingServerEndsOpenTailsInsteadOfWaitingForThem() throws Exception {
        join(client("tail-stop").push(chain(0, 1, "client-a")));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(uri("/admin/api/store/tail?storeId=tail-stop"))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(() -> response.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        awaitEvent(lines, "caught-up");
        long started = System.nanoTime();
        server.stop(Duration.ofSeconds(30));
        // the transport's graceful stop would wait the whole grace for an open stream; the tail is ended instead
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        reader.join(10_000);
        assertThat(reader.isAlive()).as("the event stream ended").isFalse();
    }

    private static JsonNode awaitEvent(BlockingQueue<String> lines, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String event = null;
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("data: ") && name.equals(event)) {
                return ProtocolJson.readTree(line.substring(6));
            }
        }
        throw new AssertionError("no '" + name + "' event within 20 s");
    }

    @Test
    void resetGivesConnectedClientsABackendIdMismatchAndANewBackendId() throws Exception {
        VertxSyncBackend a = client("reset-me");
        join(a.push(chain(0, 2, "client-a")));
        String old = admin("GET", "/admin/api/store?storeId=reset-me", 200).path("backendId").asText();
        RecordingPull live = new RecordingPull();
        a.pull(Optional.empty(), true).subscribe(live);
        live.awaitSeqNum(2);

        JsonNode reset = admin("POST", "/admin/api/store/reset?storeId=reset-me", 200);
        String fresh = reset.path("backendId").asText();
        assertThat(fresh).isNotBlank().isNotEqualTo(old);
        Throwable ended = live.ended.handle((v, t) -> t).get(20, TimeUnit.SECONDS);
        assertThat(SyncErrorException.errorOf(ended)).hasValueSatisfying(
                e -> assertThat(e).isInstanceOf(SyncError.BackendIdMismatch.class));
        JsonNode after = admin("GET", "/admin/api/store?storeId=reset-me", 200);
        assertThat(after.path("head").asLong()).isZero();
        assertThat(after.path("backendId").asText()).isEqualTo(fresh);
    }

    @Test
    void deleteRemovesTheStoreAndASecondDeleteIsA404() throws Exception {
        join(client("doomed").push(chain(0, 2, "client-a")));
        join(client("kept").push(chain(0, 1, "client-b")));
        JsonNode deleted = admin("DELETE", "/admin/api/store?storeId=doomed", 200);
        assertThat(deleted.path("deleted").asBoolean()).isTrue();
        assertThat(admin("GET", "/admin/api/stores", 200).path("stores"))
                .extracting(s -> s.path("storeId").asText()).containsExactly("kept");
        assertThat(admin("GET", "/admin/api/store?storeId=doomed", 404).path("error").asText()).isEqualTo("not_found");
        // deleting again: the store does not exist, so 404 like every operation on a missing store
        assertThat(admin("DELETE", "/admin/api/store?storeId=doomed", 404).path("message").asText())
                .isEqualTo("no store 'doomed'");
    }

    @Test
    void everyOperationOnAStoreThatDoesNotExistIsA404AndChangesNothing() throws Exception {
        join(client("kept").push(chain(0, 1, "c1")));
        // a client waiting for the first push of "nope": nothing done to "nope" may end its pull
        RecordingPull waiting = new RecordingPull();
        client("nope").pull(Optional.empty(), true).subscribe(waiting);
        assertThat(waiting.pages.poll(20, TimeUnit.SECONDS)).as("the empty store's first page").isNotNull();
        List<String> storesBefore = storeIds();
        for (String[] call : new String[][] {{"GET", "/admin/api/store?storeId=nope"},
                {"GET", "/admin/api/store/tail?storeId=nope"}, {"GET", "/admin/api/store/tail?storeId=nope&after=5"},
                {"POST", "/admin/api/store/reset?storeId=nope"}, {"DELETE", "/admin/api/store?storeId=nope"}}) {
            JsonNode error = admin(call[0], call[1], 404);
            assertThat(error.path("error").asText()).as("%s %s", call[0], call[1]).isEqualTo("not_found");
            assertThat(error.path("message").asText()).isEqualTo("no store 'nope'");
        }
        assertThat(storeIds()).as("nothing was created").isEqualTo(storesBefore).containsExactly("kept");
        assertThat(waiting.ended).as("the waiting pull of the missing store goes on").isNotDone();
        // and the pull still works: the store's first push reaches it
        join(client("nope").push(chain(0, 1, "c2")));
        waiting.awaitSeqNum(1);
    }

    private List<String> storeIds() throws Exception {
        List<String> ids = new ArrayList<>();
        admin("GET", "/admin/api/stores", 200).path("stores").forEach(s -> ids.add(s.path("storeId").asText()));
        return ids;
    }

    /** Store ids the protocol accepts that URL paths, shells or option parsers mangle. */
    static Stream<String> awkwardStoreIds() {
        return Stream.of(".", "..", "...", "-", "--", "-rf", "_", ".hidden", "a..b", "a.", "-.-_", "A-Z.a-z_0-9",
                "x".repeat(StoreId.MAX_LENGTH), ".".repeat(StoreId.MAX_LENGTH));
    }

    @ParameterizedTest
    @MethodSource("awkwardStoreIds")
    void everyValidStoreIdIsAddressableShownTailedResetAndDeleted(String storeId) throws Exception {
        VertxSyncBackend c = client(storeId);
        join(c.push(chain(0, 2, "c1")));
        join(client("neighbour").push(chain(0, 1, "c2")));
        String q = "?storeId=" + java.net.URLEncoder.encode(storeId, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(storeIds()).contains(storeId, "neighbour");
        JsonNode shown = admin("GET", "/admin/api/store" + q, 200);
        assertThat(shown.path("storeId").asText()).isEqualTo(storeId);
        assertThat(shown.path("head").asLong()).isEqualTo(2);
        // every byte escaped (%2E%2E for ..) names the same store
        StringBuilder escaped = new StringBuilder("?storeId=");
        storeId.chars().forEach(ch -> escaped.append(String.format("%%%02X", ch)));
        assertThat(admin("GET", "/admin/api/store" + escaped, 200).path("storeId").asText()).isEqualTo(storeId);

        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpResponse<Stream<String>> tail = http.send(HttpRequest.newBuilder(uri("/admin/api/store/tail" + q))
                .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines());
        assertThat(tail.statusCode()).isEqualTo(200);
        Thread reader = new Thread(() -> tail.body().forEach(lines::add));
        reader.setDaemon(true);
        reader.start();
        JsonNode events = awaitEvent(lines, "events");
        assertThat(events.path("storeId").asText()).isEqualTo(storeId);
        assertThat(events.path("events")).extracting(e -> e.path("seqNum").asLong()).containsExactly(1L, 2L);

        String old = shown.path("backendId").asText();
        JsonNode reset = admin("POST", "/admin/api/store/reset" + q, 200);
        assertThat(reset.path("storeId").asText()).isEqualTo(storeId);
        assertThat(reset.path("backendId").asText()).isNotBlank().isNotEqualTo(old);
        assertThat(awaitEvent(lines, "error").path("error").asText()).isEqualTo("backend_id_mismatch");
        assertThat(admin("GET", "/admin/api/store" + q, 200).path("head").asLong()).isZero();

        assertThat(admin("DELETE", "/admin/api/store" + q, 200).path("deleted").asBoolean()).isTrue();
        assertThat(storeIds()).doesNotContain(storeId).contains("neighbour");
        assertThat(admin("DELETE", "/admin/api/store" + q, 404).path("error").asText()).isEqualTo("not_found");
        assertThat(admin("GET", "/admin/api/store?storeId=neighbour", 200).path("head").asLong())
                .as("the neighbour is untouched").isEqualTo(1);
    }

    /** Ids the protocol refuses, percent-encoded as a client would send them: a 400 that names the rule. */
    static Stream<String> invalidStoreIds() {
        return Stream.of("a/b", "/", "%", "a%2Fb", "a?b", "a#b", "a+b", "a b", " ", "ü", "日本", "a\u0000b",
                "x".repeat(StoreId.MAX_LENGTH + 1), "");
    }

    @ParameterizedTest
    @MethodSource("invalidStoreIds")
    void storeIdsTheProtocolRefusesAreA400AndCreateNothing(String storeId) throws Exception {
        join(client("kept").push(chain(0, 1, "c1")));
        String q = "?storeId=" + java.net.URLEncoder.encode(storeId, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
        for (String[] call : new String[][] {{"GET", "/admin/api/store" + q}, {"GET", "/admin/api/store/tail" + q},
                {"POST", "/admin/api/store/reset" + q}, {"DELETE", "/admin/api/store" + q}}) {
            String[] r = raw(server.port(), call[0], call[1], true);
            assertThat(r[0]).as("%s %s: %s", call[0], call[1], r[2]).isEqualTo("400");
            assertThat(r[1]).as("%s %s", call[0], call[1]).isEqualTo("application/json");
            JsonNode error = ProtocolJson.readTree(r[2]);
            assertThat(error.path("error").asText()).as("%s %s", call[0], call[1]).isEqualTo("invalid_request");
            assertThat(error.path("message").asText()).contains("invalid storeId");
        }
        assertThat(storeIds()).containsExactly("kept");
    }

    @Test
    void aMissingOrRepeatedStoreIdOrAWrongMethodIsATypedError() throws Exception {
        assertThat(admin("GET", "/admin/api/store", 400).path("message").asText()).contains("?storeId=");
        assertThat(admin("DELETE", "/admin/api/store?storeId=a&storeId=b", 400).path("message").asText())
                .contains("one storeId");
        HttpResponse<String> wrong = send("GET", "/admin/api/store/reset?storeId=a", Optional.of("Bearer " + TOKEN));
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("allow")).hasValue("POST");
        assertThat(ProtocolJson.readTree(wrong.body()).path("error").asText()).isEqualTo("method_not_allowed");
        // the old path form answers with where the store id goes now, also for ids a path cannot carry
        join(client("todos").push(chain(0, 1, "c1")));
        for (String path : List.of("/admin/api/stores/todos", "/admin/api/stores/.", "/admin/api/stores/..",
                "/admin/api/stores/%2E%2E", "/admin/api/stores/%2e")) {
            assertThat(admin("GET", path, 404).path("message").asText()).as(path)
                    .contains("/admin/api/store?storeId=<id>");
        }
        // a path that only normalizes to an endpoint is none: nothing is read or changed through it
        for (String[] call : new String[][] {{"POST", "/admin/api/store/reset/..?storeId=todos"},
                {"DELETE", "/admin/api/store/tail/..?storeId=todos"}, {"GET", "/admin/api/%73tores"},
                {"GET", "/admin/api/./stores"}}) {
            assertThat(admin(call[0], call[1], 404).path("error").asText()).as("%s %s", call[0], call[1])
                    .isEqualTo("not_found");
        }
        assertThat(storeIds()).containsExactly("todos");
    }

    @Test
    void theInspectorPageIsServedFromTheJarWithoutExternalResources() throws Exception {
        HttpResponse<String> page = send("GET", "/admin/", Optional.empty());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
        assertThat(page.body()).contains("inspector.js").doesNotContain("http://").doesNotContain("https://");
        assertThat(send("GET", "/admin/inspector.js", Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/admin/inspector.css", Optional.empty()).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/admin/secret.txt", Optional.empty()).statusCode()).isEqualTo(404);
        HttpResponse<String> redirect = send("GET", "/admin", Optional.empty());
        assertThat(redirect.statusCode()).isEqualTo(301);
    }

    @Test
    void withCorsTheAdminApiAnswersAllowedOriginsAndEveryAnswerVariesByOrigin() throws Exception {
        try (EventsyncServer cors = Eventsync.builder().config(ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("memory")).withHttp(HttpOptions.defaults().withAdminToken(TOKEN)
                        .withCorsOrigins(List.of("https://ops.example"))))
                .build().start()) {
            URI stores = URI.create("http://127.0.0.1:" + cors.port() + "/admin/api/stores");
            HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(stores)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "https://ops.example")
                    .header("Access-Control-Request-Method", "GET")
                    .header("Access-Control-Request-Headers", "authorization").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.headers().firstValue("access-control-allow-origin")).hasValue("https://ops.example");
            assertThat(preflight.headers().allValues("vary")).containsExactly("Origin");
            for (Optional<String> authorization : List.of(Optional.of("Bearer " + TOKEN), Optional.<String>empty())) {
                HttpRequest.Builder request = HttpRequest.newBuilder(stores).header("Origin", "https://ops.example");
                authorization.ifPresent(a -> request.header("Authorization", a));
                HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(authorization.isPresent() ? 200 : 401);
                assertThat(r.headers().firstValue("access-control-allow-origin")).hasValue("https://ops.example");
                assertThat(r.headers().allValues("vary")).as("HTTP %d", r.statusCode()).containsExactly("Origin");
            }
        }
    }

    @Test
    void withoutAnAdminTokenThereIsNoAdminApi() throws Exception {
        try (EventsyncServer plain = Eventsync.builder().config(ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("memory"))).build().start()) {
            for (String path : List.of("/admin/api/stores", "/admin/")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + plain.port() + path))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as(path).isEqualTo(404);
            }
        }
    }

    @Test
    void withoutAnAdminTokenEveryAdminPathIsAPlain404WhateverItsQuery() throws Exception {
        try (EventsyncServer plain = Eventsync.builder().config(ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("memory"))).build().start()) {
            for (String[] call : new String[][] {{"GET", "/admin/api/store?storeId=x"},
                    {"GET", "/admin/api/store?storeId=x&transport=ws"}, {"POST", "/admin/api/store?storeId=x&transport=http"},
                    {"DELETE", "/admin/api/store?storeId=x"}, {"POST", "/admin/api/store/reset?storeId=x"},
                    {"GET", "/admin?storeId=x&transport=http"}, {"GET", "/admin/anything?transport=http"},
                    {"OPTIONS", "/admin/api/stores?storeId=x"}, {"GET", "/admin/api/store?storeId=%zz"}}) {
                String[] r = raw(plain.port(), call[0], call[1], true);
                assertThat(r[0]).as("%s %s: %s", call[0], call[1], r[2]).isEqualTo("404");
                assertThat(r[1]).startsWith("text/plain");
                assertThat(r[2]).as("%s %s", call[0], call[1]).startsWith("no such endpoint: /admin");
            }
            assertThat(plain.engine().stores().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
        }
    }

    /** Spellings of admin paths that a client, a proxy or a browser may send for {@code /admin/api/store}. */
    private static final List<String> ADMIN_SPELLINGS = List.of("//admin/api/store", "/%2F%2Fadmin/api/store",
            "/%2fadmin/api/store", "/%61dmin/api/store", "/%41DMIN/api/store", "/ADMIN/api/store", "/Admin/api/store",
            "/./admin/api/store", "/x/../admin/api/store", "/x/%2e%2e/admin/api/store", "/%2e/admin/api/store",
            "/admin/../", "/admin/..", "/admin//api/store", "/admin/./api/store", "/admin/api/store/.",
            "/admin%2Fapi/store", "///admin");

    /**
     * The status line of one request sent over a raw socket (targets as sent, no client normalisation), reading
     * only the answer's head: a {@code 101} would keep the socket open.
     */
    private static String status(int port, String method, String target, String headers) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n"
                    + headers + "Content-Length: 0\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            java.io.InputStream in = socket.getInputStream();
            while (head.indexOf("\r\n") < 0) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            return head.toString().strip();
        }
    }

    private static final String WS_UPGRADE = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    @Test
    void everySpellingOfAnAdminPathIsTheAdminAreaNeverTheSyncEndpointInBothTokenStates() throws Exception {
        try (EventsyncServer plain = Eventsync.builder().config(ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("memory"))).build().start()) {
            // the exact sync spellings still work on both servers (the control: the raw requests below are valid)
            for (int port : new int[] {plain.port(), server.port()}) {
                assertThat(status(port, "GET", "/?storeId=x&transport=ws", WS_UPGRADE)).contains(" 101 ");
            }
            for (String path : ADMIN_SPELLINGS) {
                String http = path + (path.contains("?") ? "&" : "?") + "storeId=x&transport=http";
                String ws = path + "?storeId=x&transport=ws";
                String bearer = "Authorization: Bearer " + TOKEN + "\r\n";
                assertThat(status(plain.port(), "POST", http, "")).as("no token, POST %s", http).contains(" 404 ");
                assertThat(status(plain.port(), "GET", ws, WS_UPGRADE)).as("no token, WS %s", ws).contains(" 404 ");
                assertThat(status(plain.port(), "POST", http, bearer)).as("no token, POST %s", http).contains(" 404 ");
                String[] r = raw(plain.port(), "POST", http, false);
                assertThat(r[1]).as(http).startsWith("text/plain");
                assertThat(r[2]).as(http).contains("--admin-token");
                assertThat(status(server.port(), "POST", http, "")).as("token, POST %s", http).contains(" 401 ");
                assertThat(status(server.port(), "GET", ws, WS_UPGRADE)).as("token, WS %s", ws).contains(" 401 ");
                assertThat(status(server.port(), "POST", http, bearer)).as("token, authorised POST %s", http)
                        .containsAnyOf(" 404 ", " 405 ");
                assertThat(status(server.port(), "GET", ws, WS_UPGRADE + bearer)).as("token, authorised WS %s", ws)
                        .doesNotContain(" 101 ");
            }
            assertThat(plain.engine().stores().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(admin("GET", "/admin/api/stores", 200).path("stores")).isEmpty();
    }

    @Test
    void severalOriginHeadersAreAJson400AndChangeNothing() throws Exception {
        join(client("kept").push(chain(0, 1, "c1")));
        String twice = "Origin: https://a.example\r\nOrigin: https://b.example\r\nAuthorization: Bearer " + TOKEN + "\r\n";
        for (String[] call : new String[][] {{"GET", "/admin/api/stores"}, {"DELETE", "/admin/api/store?storeId=kept"},
                {"POST", "/admin/api/store/reset?storeId=kept"}}) {
            assertThat(status(server.port(), call[0], call[1], twice)).as("%s %s", call[0], call[1]).contains(" 400 ");
        }
        assertThat(admin("GET", "/admin/api/store?storeId=kept", 200).path("head").asLong()).isEqualTo(1);
    }

    @Test
    void everyMalformedAdminRequestIsAJsonErrorAndChangesNothing() throws Exception {
        join(client("kept").push(chain(0, 2, "c1")));
        for (String[] call : new String[][] {{"GET", "/admin/api/store?storeId=%zz"},
                {"GET", "/admin/api/store?storeId=kept%"}, {"GET", "/admin/api/store/tail?storeId=%G1"},
                {"GET", "/admin/api/store/tail?storeId=kept&after=%"}, {"GET", "/admin/api/stores?x=%zz"},
                {"POST", "/admin/api/store/reset?storeId=%zz"}, {"DELETE", "/admin/api/store?storeId=%"},
                {"DELETE", "/admin/api/store?%=kept"}, {"GET", "/admin/api/st%zzore?storeId=kept"},
                {"GET", "/admin/api/store/tail?storeId=kept&after=abc"}}) {
            String[] r = raw(server.port(), call[0], call[1], true);
            assertThat(r[0]).as("%s %s: %s", call[0], call[1], r[2]).isEqualTo("400");
            assertThat(r[1]).as("%s %s", call[0], call[1]).isEqualTo("application/json");
            JsonNode error = ProtocolJson.readTree(r[2]);
            assertThat(error.path("error").asText()).as("%s %s", call[0], call[1]).isEqualTo("invalid_request");
            assertThat(error.path("message").asText()).as("%s %s", call[0], call[1]).isNotBlank();
        }
        // a path under /admin that no admin endpoint has is the admin's 404, never the sync endpoint's answer
        for (String[] call : new String[][] {{"POST", "/admin/other?storeId=kept&transport=http"},
                {"DELETE", "/admin/?storeId=kept"}, {"PUT", "/admin/x"}}) {
            assertThat(admin(call[0], call[1], 404).path("error").asText()).as("%s %s", call[0], call[1])
                    .isEqualTo("not_found");
        }
        JsonNode kept = admin("GET", "/admin/api/store?storeId=kept", 200);
        assertThat(kept.path("head").asLong()).isEqualTo(2);
        assertThat(admin("GET", "/admin/api/stores", 200).path("stores")).hasSize(1);
    }

    @Test
    void aTailStartsAtMostAtTheHeadAndSaysItsCursor() throws Exception {
        join(client("short").push(chain(0, 3, "c1")));
        for (String after : List.of("4", "100", String.valueOf(Long.MAX_VALUE))) {
            JsonNode refused = admin("GET", "/admin/api/store/tail?storeId=short&after=" + after, 400);
            assertThat(refused.path("message").asText()).as(after).contains("past the head").contains("(3)");
        }
        for (long after : new long[] {3, 1, 0}) {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            HttpResponse<Stream<String>> response = http.send(HttpRequest.newBuilder(
                            uri("/admin/api/store/tail?storeId=short&after=" + after))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofLines());
            assertThat(response.statusCode()).isEqualTo(200);
            Thread reader = new Thread(() -> response.body().forEach(lines::add));
            reader.setDaemon(true);
            reader.start();
            // caught up at the head, whether or not events came before: the cursor is a seqNum, never null
            JsonNode caughtUp = awaitEvent(lines, "caught-up");
            assertThat(caughtUp.path("cursor").isIntegralNumber()).as("after %d: %s", after, caughtUp).isTrue();
            assertThat(caughtUp.path("cursor").asLong()).as("after %d", after).isEqualTo(3);
            response.body().close();
        }
    }

    @Test
    void aDeletedOrResetStoreLeavesNoOldHeadInTheMetrics() throws Exception {
        ResourceLimits perStore = new ResourceLimits(ResourceLimits.defaults().maxConnections(),
                ResourceLimits.defaults().maxConnectionsPerAddress(), ResourceLimits.defaults().maxJsonDepth(),
                ResourceLimits.defaults().webSocketCompression(), ResourceLimits.defaults().maxIdleStores(), true,
                Optional.empty(), ResourceLimits.defaults().eventLoops());
        try (EventsyncServer metered = Eventsync.builder().config(ServerConfig.defaults().withPort(0)
                .withStorage(StorageSpec.parse("memory")).withHttp(HttpOptions.defaults().withAdminToken(TOKEN))
                .withResources(perStore)).build().start()) {
            String base = "http://127.0.0.1:" + metered.port();
            for (String store : List.of("deleted-one", "reset-one", "other-one")) {
                try (VertxSyncBackend c = VertxSyncBackend.create(VertxClientSettings.of(URI.create("ws://127.0.0.1:"
                        + metered.port()), StoreId.of(store)))) {
                    join(c.push(chain(0, 3, "c1")));
                }
            }
            java.util.function.Supplier<String> metrics = () -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString())
                            .body();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            assertThat(metrics.get()).contains("eventsync_store_head{store=\"deleted-one\"} 3.0",
                    "eventsync_store_head{store=\"reset-one\"} 3.0", "eventsync_store_head{store=\"other-one\"} 3.0");
            for (String[] call : new String[][] {{"DELETE", "/admin/api/store?storeId=deleted-one"},
                    {"POST", "/admin/api/store/reset?storeId=reset-one"}}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + call[1]))
                        .method(call[0], HttpRequest.BodyPublishers.noBody())
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("%s %s: %s", call[0], call[1], r.body()).isEqualTo(200);
            }
            assertThat(metrics.get()).doesNotContain("store=\"deleted-one\"").doesNotContain("store=\"reset-one\"")
                    .contains("eventsync_store_head{store=\"other-one\"} 3.0");
            // the reset store starts a new series at its new head when it is used again
            try (VertxSyncBackend c = VertxSyncBackend.create(VertxClientSettings.of(URI.create("ws://127.0.0.1:"
                    + metered.port()), StoreId.of("reset-one")))) {
                join(c.push(chain(0, 1, "c2")));
            }
            assertThat(metrics.get()).contains("eventsync_store_head{store=\"reset-one\"} 1.0");
        }
    }
}
