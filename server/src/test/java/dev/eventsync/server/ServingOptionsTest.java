package dev.eventsync.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.json.ProtocolJson;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS, CORS and the admin token as the server is configured with them. */
class ServingOptionsTest {

    @TempDir
    Path dir;

    /** An SSLContext that trusts exactly the given PEM certificate. */
    private static SSLContext trusting(Path certificate) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certificate)) {
            Certificate cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
            trust.setCertificateEntry("eventsync-test", cert);
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    @Test
    void withASelfSignedCertificateTheServerSpeaksHttpsAndWssOnly() throws Exception {
        // a certificate made for this test, for the name "localhost", as PEM files
        SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
        Path cert = Files.copy(Path.of(generated.certificatePath()), dir.resolve("cert.pem"));
        Path key = Files.copy(Path.of(generated.privateKeyPath()), dir.resolve("key.pem"));
        generated.delete();
        ServerConfig config = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"))
                .withHttp(HttpOptions.defaults().withTls(cert, key));
        try (EventsyncServer server = Eventsync.builder().config(config).build().start()) {
            HttpClient https = HttpClient.newBuilder().sslContext(trusting(cert))
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> health = https.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + server.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(ProtocolJson.readTree(health.body()).path("status").asText()).isEqualTo("UP");

            // the sync protocol over wss://: a push is answered over the encrypted WebSocket
            CompletableFuture<String> answer = new CompletableFuture<>();
            WebSocket ws = https.newWebSocketBuilder().buildAsync(
                    URI.create("wss://localhost:" + server.port() + "/?storeId=tls-store&transport=ws"),
                    new WebSocket.Listener() {
                        private final StringBuilder text = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                            text.append(data);
                            if (last) {
                                answer.complete(text.toString());
                            }
                            socket.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS);
            ws.sendText("{\"_tag\":\"Request\",\"id\":\"1\",\"tag\":\"SyncWsRpc.Push\",\"payload\":{\"storeId\":"
                    + "\"tls-store\",\"batch\":[{\"name\":\"v1.TodoCreated\",\"args\":{},\"seqNum\":1,\"parentSeqNum\":0,"
                    + "\"clientId\":\"c\",\"sessionId\":\"s\"}],\"backendId\":{\"_tag\":\"None\"}},\"headers\":[]}", true);
            JsonNode reply = ProtocolJson.readTree(answer.get(10, TimeUnit.SECONDS));
            assertThat(reply.path("_tag").asText()).isEqualTo("Exit");
            assertThat(reply.path("exit").path("_tag").asText()).isEqualTo("Success");
            ws.abort();
            assertThat(server.engine().stores().toCompletableFuture().get(10, TimeUnit.SECONDS)).singleElement()
                    .satisfies(info -> assertThat(info.head()).isEqualTo(1));

            // plain HTTP on the TLS port gets no answer it could use
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Throwable refused = catchThrowable(() -> plain.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + server.port() + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()));
            assertThat(refused).isNotNull();
        }
    }

    @Test
    void badServingOptionsAreOneClearLine() throws Exception {
        assertThatThrownBy(() -> HttpOptions.defaults().withCorsOrigins(List.of("https://app.example/path")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'https://app.example/path' is not an origin");
        assertThatThrownBy(() -> HttpOptions.defaults().withCorsOrigins(List.of("app.example")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("is not an origin");
        assertThatThrownBy(() -> HttpOptions.defaults().withCorsOrigins(List.of("*", "https://a.example")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("give it alone");
        assertThat(HttpOptions.defaults().withCorsOrigins(List.of("https://a.example", "http://localhost:5173"))
                .corsOrigins()).hasSize(2);
        assertThatThrownBy(() -> HttpOptions.defaults().withAdminToken("short"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("at least 16 characters");
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not really");
        assertThatThrownBy(() -> new HttpOptions(List.of(), java.util.Optional.of(cert), java.util.Optional.empty(),
                java.util.Optional.empty())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("both --tls-cert and --tls-key");
        assertThatThrownBy(() -> HttpOptions.defaults().withTls(cert, dir.resolve("missing.pem")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--tls-key: cannot read");
        // a file that is not a PEM key: the server refuses to start with one line, and nothing listens
        Path key = Files.writeString(dir.resolve("key.pem"), "not a key either");
        ServerConfig config = ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"))
                .withHttp(HttpOptions.defaults().withTls(cert, key));
        assertThatThrownBy(() -> Eventsync.builder().config(config).build().start())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("could not start");
    }
}
