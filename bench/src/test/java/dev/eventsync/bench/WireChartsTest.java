package dev.eventsync.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code WireCharts} without a usable results file says so in one line instead of a stack trace. */
class WireChartsTest {

    @Test
    void noArgumentsGiveTheUsage() {
        assertThat(WireCharts.usageError(new String[0])).contains(WireCharts.USAGE);
        assertThat(WireCharts.usageError(new String[] {"a", "b", "c"})).contains(WireCharts.USAGE);
    }

    @Test
    void aMissingFileIsNamed(@TempDir Path dir) {
        String missing = dir.resolve("wire-missing.json").toString();
        assertThat(WireCharts.usageError(new String[] {missing})).hasValueSatisfying(m -> assertThat(m)
                .startsWith("no results file " + missing).contains(WireCharts.USAGE).doesNotContain("\n"));
    }

    @Test
    void anExistingFileIsAccepted(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("wire-x.json"), "{\"scenarios\":[]}");
        assertThat(WireCharts.usageError(new String[] {file.toString()})).isEmpty();
        assertThat(WireCharts.usageError(new String[] {file.toString(), file.toString()})).isPresent();
    }
}
