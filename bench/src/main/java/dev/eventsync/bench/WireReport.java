package dev.eventsync.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What {@link WireBenchmark} writes and concludes after its runs: results files, rate checks, verdicts. */
final class WireReport {

    private static final Logger LOG = LoggerFactory.getLogger(WireReport.class);

    private WireReport() {
    }

    /** Writes the JSON and the charts under every prefix of {@link WireSettings#outputPrefixes}. */
    static void write(Map<String, Object> report, List<Map<String, Object>> scenarios, Path results, String stamp,
                      boolean updatesLatest) throws IOException {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        for (String prefix : WireSettings.outputPrefixes(stamp, updatesLatest)) {
            json.writeValue(results.resolve(prefix + ".json").toFile(), report);
            WireCharts.write(scenarios, results, prefix);
        }
        LOG.info("results: {}{}", results.toAbsolutePath().resolve("wire-" + stamp + ".json"),
                updatesLatest ? " (and wire-latest.json)" : " (wire-latest* left as it was: not a full run, or JFR)");
    }

    /** The names of the scenarios that are not verified. */
    static List<String> unverified(List<Map<String, Object>> scenarios) {
        return scenarios.stream().filter(s -> !Boolean.TRUE.equals(s.get("verified")))
                .map(s -> String.valueOf(s.get("name"))).toList();
    }

    /** The runs that did not reach their requested rate, e.g. {@code "rate not reached: B round 1 71/100 pushes/s"}, or "". */
    static String rateNote(List<WireBenchmark.Run> a, List<WireBenchmark.Run> b) {
        List<String> missed = new ArrayList<>();
        for (List<WireBenchmark.Run> side : List.of(a, b)) {
            for (WireBenchmark.Run run : side) {
                if (Boolean.FALSE.equals(run.extra().get("rate_reached"))) {
                    missed.add((side == a ? "A" : "B") + " round " + run.round() + " "
                            + WireBenchmark.fmt((Double) run.extra().get("pushes_per_s_reached")) + "/"
                            + WireBenchmark.fmt((Double) run.extra().get("pushes_per_s_requested")) + " pushes/s");
                }
            }
        }
        return missed.isEmpty() ? "" : "rate not reached: " + String.join(", ", missed);
    }

    /** {@code git rev-parse HEAD} of the working directory, when git answers. */
    static Optional<String> gitCommit() {
        try {
            Process git = new ProcessBuilder("git", "rev-parse", "HEAD")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            git.getOutputStream().close();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!git.waitFor(10, TimeUnit.SECONDS) || git.exitValue() != 0 || !out.matches("[0-9a-f]{40}")) {
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
