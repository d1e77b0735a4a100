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
        return new AdminClient(urlOrDefault(), adminToken, sslContext(caCertificates()));
    }

    /**
     * Over {@code wss://} or {@code https://}, one TLS handshake with the server at {@code url}, trusting
     * {@code --ca-cert} (or the runtime's CAs): a certificate the client does not trust is the documented one line
     * {@code TLS with URL failed: ... (give it with --ca-cert FILE.pem)} before the command starts, instead of the
     * sync client's generic "cannot connect". A server that cannot be reached at all is left to the command.
     */
    void checkTls(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("wss") && !scheme.equals("https") || url.getHost() == null) {
            return;
        }
        int port = url.getPort() < 0 ? 443 : url.getPort();
        try {
            SSLContext context = sslContext(caCertificates()).orElse(SSLContext.getDefault());
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new java.net.InetSocketAddress(url.getHost(), port), 10_000);
                socket.setSoTimeout(10_000);
                socket.startHandshake();
            }
        } catch (javax.net.ssl.SSLException e) {
            throw new ConfigurationException("TLS with " + url + " failed: " + e.getMessage() + " (a self-signed or "
                    + "private CA certificate? give it with --ca-cert FILE.pem)", e);
        } catch (IOException | GeneralSecurityException e) {
            // not reachable (or no TLS in this runtime): the command's own connection reports it
        }
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
