package dev.eventsync.server.cli;

import dev.eventsync.server.ConfigurationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The one place the commands that connect ({@code stores}, {@code inspect}, {@code delete-store},
 * {@code certify}) check and explain TLS before they start, so that every one of them says the same thing:
 * <ul>
 *   <li>a certificate the client does not trust: {@code TLS with URL failed: ... (a self-signed or private CA
 *       certificate? give it with --ca-cert FILE.pem)};</li>
 *   <li>a certificate that does not name the URL's host: {@code TLS with URL failed: the server's certificate does
 *       not name the host H ...};</li>
 *   <li>{@code https://}/{@code wss://} to a server without TLS: {@code ... the server at H:P does not speak TLS:
 *       use http:// or ws://};</li>
 *   <li>{@code http://}/{@code ws://} to a TLS server: {@code ... the server at H:P speaks TLS: use https:// or
 *       wss://}.</li>
 * </ul>
 * A server that cannot be reached at all is left to the command's own connection. Never "retry later": none of
 * these goes away by waiting.
 */
final class TlsCheck {

    private static final int TIMEOUT_MS = 10_000;

    private TlsCheck() {
    }

    /**
     * One handshake (or, for a plain scheme, one probe) with the server at {@code url}, trusting {@code trust}
     * (empty: the runtime's CAs) and checking that the certificate names the host as HTTPS does.
     *
     * @throws ConfigurationException with one line as above when TLS is the problem
     */
    static void check(URI url, Optional<SSLContext> trust) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (url.getHost() == null) {
            return;
        }
        boolean secure = scheme.equals("wss") || scheme.equals("https");
        if (!secure && !scheme.equals("ws") && !scheme.equals("http")) {
            return;
        }
        int port = url.getPort() >= 0 ? url.getPort() : secure ? 443 : 80;
        try {
            if (secure) {
                handshake(url.getHost(), port, trust.orElse(SSLContext.getDefault()), true);
            } else if (speaksTls(url.getHost(), port)) {
                throw new ConfigurationException("TLS with " + url + " failed: the server at " + hostPort(url, port)
                        + " speaks TLS: use https:// or wss://");
            }
        } catch (SSLException e) {
            throw new ConfigurationException(explain(url, e), e);
        } catch (IOException | GeneralSecurityException e) {
            // not reachable (or no TLS in this runtime): the command's own connection reports it
        }
    }

    /** The one line for a TLS failure with {@code url}: what is wrong and what to do. */
    static String explain(URI url, SSLException e) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        String prefix = "TLS with " + url + " failed: ";
        String message = String.valueOf(e.getMessage());
        int port = url.getPort() >= 0 ? url.getPort() : scheme.endsWith("s") ? 443 : 80;
        if (!scheme.equals("https") && !scheme.equals("wss")) {
            return prefix + message + " (the server at " + hostPort(url, port) + " speaks TLS? use https:// or wss://)";
        }
        if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext")) {
            return prefix + "the server at " + hostPort(url, port) + " does not speak TLS: use http:// or ws://";
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertPathBuilderException || c instanceof CertPathValidatorException) {
                return prefix + message + " (a self-signed or private CA certificate? give it with --ca-cert FILE.pem)";
            }
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateException && c.getMessage() != null
                    && (c.getMessage().contains("subject alternative") || c.getMessage().contains("No name matching"))) {
                return prefix + "the server's certificate does not name the host " + url.getHost() + " ("
                        + c.getMessage() + "): use a host name the certificate names, or give the server a "
                        + "certificate for " + url.getHost();
            }
        }
        return prefix + message;
    }

    private static String hostPort(URI url, int port) {
        return url.getHost() + ":" + port;
    }

    private static void handshake(String host, int port, SSLContext context, boolean checkName) throws IOException {
        Socket plain = new Socket();
        plain.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
        plain.setSoTimeout(TIMEOUT_MS);
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, bare, port, true)) {
            if (checkName) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
            }
            socket.startHandshake();
        }
    }

    /** Whether the server at host:port answers a TLS handshake (any certificate accepted: only the protocol counts). */
    private static boolean speaksTls(String host, int port) throws IOException, GeneralSecurityException {
        // a plain HTTP server answers a plain request at once: no handshake needed (nor the wait it would cost)
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            plain.setSoTimeout(TIMEOUT_MS);
            plain.getOutputStream().write(("HEAD / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] start = plain.getInputStream().readNBytes(5);
            if (new String(start, java.nio.charset.StandardCharsets.US_ASCII).equals("HTTP/")) {
                return false;
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        }
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new AnyCertificate()}, null);
        try {
            handshake(host, port, any, false);
            return true;
        } catch (SSLException e) {
            return false;
        }
    }

    /** Accepts every certificate: used only to learn whether a server speaks TLS, never to send data. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
