package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bad certify argument is one usage line and exit 2 before the run starts (nothing listens on port 1,
 * so reaching the run would say "cannot reach" instead), and nothing on disk is changed or deleted.
 */
class CertifyUsageTest {

    private static final String NOWHERE = "ws://127.0.0.1:1/";

    private static CliRun certify(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "certify";
        all[1] = "--url";
        all[2] = NOWHERE;
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.run(all);
    }

    private static void assertUsageLine(CliRun run, String... fragments) {
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(run.err().strip()).startsWith("eventsync: --").doesNotContain("\n", "Exception", "cannot reach", ": null")
                .contains(fragments);
        assertThat(run.out()).doesNotContain("certifying");
    }

    @Test
    void aReportPathThatIsADirectoryIsRefusedAndNeverDeleted(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        Path full = Files.createDirectory(dir.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        assertUsageLine(certify("--report", empty.toString()), "is a directory", "certify-report.txt");
        assertUsageLine(certify("--report", full.toString()), "is a directory");
        assertThat(empty).isDirectory().isEmptyDirectory();
        assertThat(Files.readString(full.resolve("keep.txt"))).isEqualTo("mine");
        assertUsageLine(certify("--report", ""), "--report needs a file name");
    }

    @Test
    void aReportPathBelowAFileOrInAnUnwritableDirectoryIsRefusedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertUsageLine(certify("--report", file.resolve("new/report.txt").toString()), "cannot create its directory");
        Path locked = Files.createDirectory(dir.resolve("locked"));
        assertThat(locked.toFile().setWritable(false, false)).isTrue();
        try {
            if (!Files.isWritable(locked)) { // root may write anywhere: then only the other kinds apply
                assertUsageLine(certify("--report", locked.resolve("r.txt").toString()), "cannot write in");
            }
        } finally {
            assertThat(locked.toFile().setWritable(true, false)).isTrue();
        }
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "-2147483648"})
    void triesBelowOneIsAUsageError(String tries) {
        CliRun run = certify("--tries", tries);
        assertUsageLine(run, "--tries must be at least 1, got " + tries);
        assertThat(run.err()).doesNotContain("-Deventsync");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ws://127.0.0.1:99999/", "ws://127.0.0.1:0/", "ftp://127.0.0.1:8080/", "ws:///path",
            "http://:8080/"})
    void aUrlCertifyCannotDialIsOneLineAtOnce(String url) {
        long started = System.nanoTime();
        CliRun run = CliRun.run("certify", "--url", url);
        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(run.err().strip()).startsWith("eventsync: ").doesNotContain("\n", "Exception", ": null");
        assertThat(run.out()).isEmpty();
        assertThat((System.nanoTime() - started) / 1_000_000_000.0).isLessThan(5.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {",", "", " , ", ",,P-LS-01"})
    void emptyRuleIdsAreAUsageError(String rules) {
        assertUsageLine(certify("--rules", rules), "--rules");
    }

    @Test
    void credentialsInTheUrlAreNeverPrinted() {
        assertThat(CertifyCommand.printable(java.net.URI.create("wss://user:secret@example.org:8443/sync?token=secret#x")))
                .isEqualTo("wss://example.org:8443/sync");
        CliRun run = CliRun.run("certify", "--url", "ws://user:secret@127.0.0.1:1/?authToken=secret");
        assertThat(run.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(run.err()).contains("cannot reach a sync server at ws://127.0.0.1:1/");
        assertThat(run.out() + run.err()).doesNotContain("secret");
    }

    @Test
    void tokensInMessagesAreRedacted() {
        String message = "refused {\"authToken\":\"tok-123\"} at wss://u:pw@h:1/?authToken=tok-123&storeId=s with "
                + "Authorization: Bearer adm-456, payload \\\"authToken\\\":\\\"other-789\\\"";
        String redacted = CertifyCommand.redact(message, java.util.Arrays.asList("adm-456", null, "x"));
        assertThat(redacted).doesNotContain("tok-123", "adm-456", "other-789", "u:pw")
                .contains("wss://h:1/?authToken=<redacted>&storeId=s", "Bearer <redacted>");
        assertThat(CertifyCommand.redact("Authorization: Bearer <the server's --admin-token>", java.util.List.of()))
                .isEqualTo("Authorization: Bearer <the server's --admin-token>");
    }

    @Test
    void aQuotedServerAnswerIsOneShortLine() {
        String page = "<html>\n<body>" + "x".repeat(5000) + "</body></html>";
        assertThat(CertifyCommand.capped("HTTP 502: " + page)).hasSizeLessThan(340).doesNotContain("\n")
                .startsWith("HTTP 502: <html> <body>xxx").endsWith("(5037 characters)");
    }

    @Test
    void aScopedTokenTemplateWithoutStoreIdOrWithoutAuthTokenIsAUsageError() {
        CliRun noPlaceholder = certify("--auth-token", "shared-0123", "--scoped-auth-token", "scoped-secret-9876");
        assertUsageLine(noPlaceholder, "without {storeId}");
        assertThat(noPlaceholder.err()).doesNotContain("scoped-secret-9876", "shared-0123");
        assertUsageLine(certify("--scoped-auth-token", "scoped:{storeId}"), "without --auth-token");
    }

    @Test
    void anUnreachableServerIsDescribedWithoutNull() {
        CliRun run = certify();
        assertThat(run.exit()).isEqualTo(EventsyncCommand.EXIT_CONFIG);
        assertThat(run.err().strip()).startsWith("eventsync: cannot reach a sync server at " + NOWHERE)
                .doesNotContain(": null", "\n");
    }
}
