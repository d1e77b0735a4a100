package dev.eventsync.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the executable jar carries besides code: licences, notices, its version. */
class ShadedJarIT {

    @TempDir
    Path dir;

    @Test
    void theJarCarriesOurLicenceAndMergesTheNoticesAndLicencesOfItsDependencies() throws IOException {
        try (JarFile jar = new JarFile(ServerProcess.jar().toFile())) {
            String notice = text(jar, "META-INF/NOTICE");
            // ours and the dependencies' notices, each kept (not only the first copy)
            assertThat(notice).contains("Eventsync\nCopyright").contains("Jackson JSON processor")
                    .contains("The Netty Project").contains("Google Guice").contains("Micrometer");
            String licence = text(jar, "META-INF/LICENSE");
            assertThat(licence).startsWith(Files.readString(Path.of("../LICENSE")).substring(0, 200));
            // appended, not replaced: the Apache licence text appears once per dependency that ships it
            assertThat(countOf(licence, "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION"))
                    .isGreaterThan(1);
            assertThat(jar.getManifest().getMainAttributes().getValue("Implementation-Version"))
                    .isEqualTo(projectVersion());
        }
    }

    @Test
    void versionPrintsTheBuildsVersion() throws Exception {
        try (ServerProcess process = ServerProcess.start(dir, "--version")) {
            assertThat(process.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.process.exitValue()).isZero();
            List<String> out = process.out();
            assertThat(out.get(0)).startsWith("eventsync " + projectVersion() + " (built 20");
            assertThat(String.join("\n", out)).doesNotContain("development build");
        }
    }

    private static String projectVersion() {
        return System.getProperty("eventsync.version", "0.1.0-SNAPSHOT");
    }

    private static int countOf(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static String text(JarFile jar, String name) throws IOException {
        ZipEntry entry = jar.getEntry(name);
        assertThat(entry).as(name + " in the jar").isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void logFormatJsonWritesOneJsonObjectPerLine() throws Exception {
        try (ServerProcess process = ServerProcess.start(dir, "serve", "--port", "0", "--storage", "memory",
                "--log-format", "json")) {
            process.awaitPort();
            List<String> lines = process.err();
            assertThat(lines).isNotEmpty();
            for (String line : lines) {
                com.fasterxml.jackson.databind.JsonNode json = dev.eventsync.api.json.ProtocolJson.readTree(line);
                assertThat(json.path("time").asText()).as(line).matches("20\\d\\d-.*Z");
                assertThat(json.path("level").asText()).as(line).isNotBlank();
                assertThat(json.path("logger").asText()).as(line).isNotBlank();
                assertThat(json.has("message")).as(line).isTrue();
            }
            assertThat(String.join("\n", lines)).contains("listening on 127.0.0.1:");
        }
    }
}
