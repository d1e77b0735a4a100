package dev.eventsync.server.cli;

import dev.eventsync.server.ConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine;

/**
 * The options of every command that connects to a running server ({@code certify}, {@code stores},
 * {@code inspect}, {@code delete-store}): where it is ({@code --url}), the admin token ({@code --admin-token}) and
 * the certificates to trust over TLS ({@code --ca-cert}). Each can also come from the environment
 * ({@code EVENTSYNC_URL}, {@code EVENTSYNC_ADMIN_TOKEN}, {@code EVENTSYNC_CA_CERT}) or a {@code --config} file.
 */
final class ClientOptions {

    /** Where a command connects when no {@code --url} is given (except {@code certify}, which needs one). */
    static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8787");

    @CommandLine.Option(names = "--url", paramLabel = "URL",
            description = "The server: http://, https://, ws:// or wss://host:port (any path). Default: "
                    + "http://127.0.0.1:8787 (stores without --url reads --storage instead; certify needs --url).")
    URI url;

    @CommandLine.Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "The server's --admin-token, for its admin API (or EVENTSYNC_ADMIN_TOKEN).")
    String adminToken;

    @CommandLine.Option(names = "--ca-cert", paramLabel = "PEM",
            description = "Over https:// or wss://, trust the server's certificate only when this PEM file holds it or "
                    + "the CA that signed it (for example a self-signed certificate), like curl --cacert. "
                    + "Default: the Java runtime's trusted CAs.")
    Path caCert;

    /** {@code --url}, or {@link #DEFAULT_URL}. */
    URI urlOrDefault() {
        return url == null ? DEFAULT_URL : url;
    }

    Optional<Path> caCertificates() {
        return Optional.ofNullable(caCert);
    }

    /** A client of the admin API at {@code --url} with {@code --admin-token} and {@code --ca-cert}. */
    AdminClient adminClient() {
        checkTls(urlOrDefault());
        return new AdminClient(urlOrDefault(), adminToken, sslContext(caCertificates()));
    }

    /** The libraries whose log lines a client command never prints (pool notes such as "Connection evicted"). */
    static final List<String> CLIENT_LIBRARY_LOGGERS = List.of("io.vertx", "io.netty");

    /**
     * The log setup of the commands that connect to a server ({@code stores}, {@code inspect},
     * {@code delete-store}, {@code certify}), not of {@code serve}: the root at {@code WARN}, and Vert.x's and
     * Netty's loggers off, so that a command's output and its one-line errors carry no library lines (their
     * failures reach the command as exceptions and are reported once, in its own words).
     */
    static void quietClientLogs() {
        ServeCommand.setLogLevel("WARN");
        for (String name : CLIENT_LIBRARY_LOGGERS) {
            ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(name))
                    .setLevel(ch.qos.logback.classic.Level.OFF);
        }
    }

    /**
     * Before a command starts: the one-line TLS diagnosis of {@link TlsCheck#check} for {@code url} with
     * {@code --ca-cert} (an untrusted certificate, a certificate that does not name the host, a TLS/plain-HTTP
     * mismatch), instead of a connection's generic failure later.
     */
    void checkTls(URI url) {
        TlsCheck.check(url, sslContext(caCertificates()));
    }

    /**
     * An {@link SSLContext} that trusts exactly the X.509 certificates of the PEM file {@code pem} (empty: the
     * runtime's default trust). A file that cannot be read or holds no certificate is one-line
     * {@link ConfigurationException}.
     */
    static Optional<SSLContext> sslContext(Optional<Path> pem) {
        if (pem.isEmpty()) {
            return Optional.empty();
        }
        Path file = pem.get();
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509")
                    .generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new ConfigurationException("--ca-cert " + file + " holds no certificate (expected PEM: "
                        + "-----BEGIN CERTIFICATE-----)");
            }
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                trust.setCertificateEntry("ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return Optional.of(context);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigurationException("--ca-cert: no such file: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new ConfigurationException("--ca-cert: cannot read " + file + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new ConfigurationException("--ca-cert " + file + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }
}
