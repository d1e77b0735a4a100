package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.core.LocalSyncBackend;
import dev.eventsync.server.Eventsync;
import dev.eventsync.server.EventsyncServer;
import dev.eventsync.server.HttpOptions;
import dev.eventsync.server.ServerConfig;
import dev.eventsync.server.StorageSpec;
import io.vertx.core.net.SelfSignedCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ca-cert}: every command that connects ({@code stores}, {@code inspect}, {@code delete-store},
 * {@code certify}) reaches a server whose certificate is self-signed (generated here) when given that certificate,
 * and says what to do when not.
 */
class ClientTlsTest {

    private static final String TOKEN = "tls-admin-token-0123456789";

    @TempDir
    Path dir;
    private Path cert;
    private EventsyncServer server;
    private String https;
    private String wss;

    @BeforeEach
    void start() throws Exception {
        SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
        cert = Files.copy(Path.of(generated.certificatePath()), dir.resolve("cert.pem"));
        Path key = Files.copy(Path.of(generated.privateKeyPath()), dir.resolve("key.pem"));
        generated.delete();
        server = Eventsync.builder().config(ServerConfig.defaults().withPort(0).withStorage(StorageSpec.parse("memory"))
                .withHttp(HttpOptions.defaults().withTls(cert, key).withAdminToken(TOKEN))).build().start();
        https = "https://localhost:" + server.port();
        wss = "wss://localhost:" + server.port();
        try (LocalSyncBackend local = new LocalSyncBackend(server.engine(), StoreId.of("tls-store"))) {
            local.push(List.of(Event.of("todoCreated-v1", "{\"n\":1}", 1, 0, "c", "s")))
                    .toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void theAdminCommandsTrustTheCertificateGivenWithCaCert() {
        CliRun refused = CliRun.run("stores", "--url", https, "--admin-token", TOKEN);
        assertThat(refused.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(refused.err().strip()).startsWith("eventsync: TLS with " + https + " failed")
                .endsWith("give it with --ca-cert FILE.pem)").doesNotContain("\n");

        CliRun stores = CliRun.run("stores", "--url", https, "--admin-token", TOKEN, "--ca-cert", cert.toString());
        assertThat(stores.exit()).as(stores.err()).isZero();
        assertThat(stores.out()).contains("tls-store").contains("1 store(s) at " + https);
        CliRun inspect = CliRun.run("inspect", "tls-store", "--url", wss, "--admin-token", TOKEN, "--ca-cert", cert.toString());
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("store tls-store: head 1").contains("args={\"n\":1}");
        CliRun deleted = CliRun.run("delete-store", "tls-store", "--url", https, "--admin-token", TOKEN, "--ca-cert",
                cert.toString());
        assertThat(deleted.exit()).as(deleted.err()).isZero();
        assertThat(deleted.out()).contains("deleted store tls-store at " + https);
    }

    @Test
    void inspectOverTheSyncProtocolTrustsTheCertificateToo() {
        // without --ca-cert (and without --admin-token): the same one line as the admin commands, for both schemes
        for (String url : List.of(wss, https)) {
            CliRun refused = CliRun.run("inspect", "tls-store", "--url", url);
            assertThat(refused.exit()).as(url).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(refused.err().strip()).as(url).startsWith("eventsync: TLS with " + url + " failed")
                    .endsWith("give it with --ca-cert FILE.pem)").doesNotContain("\n");
        }
        CliRun inspect = CliRun.run("inspect", "tls-store", "--url", wss, "--ca-cert", cert.toString());
        assertThat(inspect.exit()).as(inspect.err()).isZero();
        assertThat(inspect.out()).contains("1 event(s)").contains("args={\"n\":1}");
    }

    @Test
    void aCaCertFileThatIsMissingOrNotACertificateIsOneLine() throws Exception {
        CliRun missing = CliRun.run("stores", "--url", https, "--admin-token", TOKEN, "--ca-cert", dir.resolve("no.pem").toString());
        assertThat(missing.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(missing.err().strip()).startsWith("eventsync: --ca-cert: no such file: ").doesNotContain("\n");
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        for (String command : List.of("stores", "inspect", "delete-store", "certify")) {
            List<String> args = new java.util.ArrayList<>(List.of(command));
            if (!command.equals("stores") && !command.equals("certify")) {
                args.add("tls-store");
            }
            args.addAll(List.of("--url", https, "--admin-token", TOKEN, "--ca-cert", junk.toString()));
            CliRun bad = CliRun.run(args.toArray(String[]::new));
            assertThat(bad.exit()).as(command).isEqualTo(EventsyncCommand.EXIT_CONFIG);
            assertThat(bad.err().strip()).as(command).startsWith("eventsync: --ca-cert " + junk).doesNotContain("\n");
        }
    }

    @Test
    void certifyRunsOverWssWithTheCertificateAndDeletesItsStoresOverHttps() throws Exception {
        CliRun refused = CliRun.run("certify", "--url", wss);
        assertThat(refused.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(refused.err().strip()).startsWith("eventsync: TLS with " + wss + " failed")
                .endsWith("give it with --ca-cert FILE.pem)").doesNotContain("\n");
        CliRun certify = CliRun.run("certify", "--url", wss, "--ca-cert", cert.toString(), "--admin-token", TOKEN,
                "--profile", "livestore", "--tries", "2");
        assertThat(certify.exit()).as(certify.out() + certify.err()).isZero();
        assertThat(certify.out()).contains("CERTIFIED").containsPattern("deleted the \\d+ stores the run created");
        assertThat(server.engine().storage().stores()).extracting(s -> s.storeId().value()).containsExactly("tls-store");
    }
}
