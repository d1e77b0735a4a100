package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The build facts that users see: the version, and a BOM that lists every published module. */
class BuildInfoTest {

    private static final Path ROOT = Path.of("..");

    @Test
    void versionComesFromTheBuild() throws IOException {
        String parentVersion = firstMatch(Files.readString(ROOT.resolve("pom.xml")),
                "<artifactId>eventsync-parent</artifactId>\\s*<version>([^<]+)</version>");
        assertThat(Version.number()).isEqualTo(parentVersion);
        assertThat(new Version().getVersion()[0]).startsWith("eventsync " + parentVersion + " (built ");
    }

    @Test
    void theBomHasTheProjectsVersionAndEveryPublishedModule() throws IOException {
        String parent = Files.readString(ROOT.resolve("pom.xml"));
        String bom = Files.readString(ROOT.resolve("bom/pom.xml"));
        assertThat(firstMatch(bom, "<artifactId>eventsync-bom</artifactId>\\s*<version>([^<]+)</version>"))
                .isEqualTo(Version.number());
        assertThat(firstMatch(bom, "<artifactId>junit-bom</artifactId><version>([^<]+)</version>"))
                .as("the JUnit of the BOM is the one the kit is built with")
                .isEqualTo(firstMatch(parent, "<junit.version>([^<]+)</junit.version>"));
        assertThat(firstMatch(Files.readString(ROOT.resolve("examples/custom-storage/pom.xml")),
                "<eventsync.version>([^<]+)</eventsync.version>"))
                .as("the example project builds against this version").isEqualTo(Version.number());
        List<String> modules = allMatches(parent, "<module>([^<]+)</module>");
        // not published: the benchmarks, the rules, and the example of a third-party storage
        modules.removeAll(List.of("bom", "bench", "architecture-tests", "examples/sortedmap-storage"));
        assertThat(modules).isNotEmpty();
        for (String module : modules) {
            String artifact = firstMatch(Files.readString(ROOT.resolve(module).resolve("pom.xml")),
                    "</parent>\\s*<artifactId>([^<]+)</artifactId>");
            assertThat(bom).as("the BOM lists %s", artifact).contains("<artifactId>" + artifact + "</artifactId>");
        }
    }

    private static String firstMatch(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in the pom", regex).isTrue();
        return m.group(1);
    }

    private static List<String> allMatches(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        List<String> all = new ArrayList<>();
        while (m.find()) {
            all.add(m.group(1));
        }
        return all;
    }
}
