package dev.eventsync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The charts of a {@link WireBenchmark} run (XChart, PNG): {@code <prefix>-ratios.png}, the median ratio
 * B/A of every verified scenario, and {@code <prefix>-throughput.png}, the median events/s of both sides
 * of every throughput scenario ({@code <prefix>}: {@code wire-<stamp>} or {@code wire-latest}).
 */
final class WireCharts {

    private static final Logger LOG = LoggerFactory.getLogger(WireCharts.class);

    private WireCharts() {
    }

    static final String USAGE = "usage: WireCharts <wire-*.json> [directory]";

    /** Draws the charts again from a results file: {@code WireCharts <wire-*.json> [directory]}. */
    @SuppressWarnings("unchecked")
    public static void main(String[] args) throws IOException {
        Optional<String> error = usageError(args);
        if (error.isPresent()) {
            LOG.error(error.get());
            System.exit(2);
            return;
        }
        Path results = Path.of(args[0]);
        Map<String, Object> report = new com.fasterxml.jackson.databind.ObjectMapper().readValue(results.toFile(),
                Map.class);
        List<Map<String, Object>> scenarios = new ArrayList<>();
        for (Map<String, Object> s : (List<Map<String, Object>>) report.get("scenarios")) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>(s);
            for (String key : List.of("ratio_median", "a_median", "b_median")) {
                Object v = copy.get(key);
                copy.put(key, v instanceof Number n ? n.doubleValue() : Double.NaN); // NaN is written as "NaN"
            }
            scenarios.add(copy);
        }
        String name = results.getFileName().toString();
        String prefix = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        write(scenarios, args.length > 1 ? Path.of(args[1]) : results.toAbsolutePath().getParent(), prefix);
    }

    /** Why {@code args} cannot be drawn (one line: the usage, or a missing or unreadable file), or empty. */
    static Optional<String> usageError(String[] args) {
        if (args.length < 1 || args.length > 2 || args[0].isBlank()) {
            return Optional.of(USAGE);
        }
        Path results = Path.of(args[0]);
        if (!Files.isRegularFile(results) || !Files.isReadable(results)) {
            return Optional.of("no results file " + results + "; " + USAGE);
        }
        if (args.length > 1 && Files.exists(Path.of(args[1])) && !Files.isDirectory(Path.of(args[1]))) {
            return Optional.of(args[1] + " is not a directory; " + USAGE);
        }
        return Optional.empty();
    }

    /** Writes {@code <prefix>-ratios.png} and {@code <prefix>-throughput.png} into {@code directory}. */
    static void write(List<Map<String, Object>> scenarios, Path directory, String prefix) throws IOException {
        List<String> names = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<String> rateNames = new ArrayList<>();
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (Map<String, Object> s : scenarios) {
            double ratio = (Double) s.get("ratio_median");
            if (Double.isNaN(ratio)) {
                continue;
            }
            names.add(s.get("name") + " (" + s.get("b") + "/" + s.get("a") + ")");
            ratios.add(ratio);
            if ("events/s".equals(s.get("metric"))) {
                rateNames.add((String) s.get("name"));
                a.add((Double) s.get("a_median") / 1000);
                b.add((Double) s.get("b_median") / 1000);
            }
        }
        if (!names.isEmpty()) {
            CategoryChart chart = new CategoryChartBuilder().width(1300).height(640)
                    .title("Eventsync / baseline, median of paired rounds (events/s: higher is better; p99, RSS: lower)")
                    .xAxisTitle("scenario").yAxisTitle("ratio B/A").build();
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setXAxisLabelRotation(45);
            chart.getStyler().setLabelsVisible(true);
            chart.getStyler().setDecimalPattern("0.00");
            chart.addSeries("B/A", names, ratios);
            BitmapEncoder.saveBitmap(chart, directory.resolve(prefix + "-ratios.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
        if (!rateNames.isEmpty()) {
            CategoryChart chart = new CategoryChartBuilder().width(1300).height(640)
                    .title("Throughput, median of rounds (thousand events/s)")
                    .xAxisTitle("scenario").yAxisTitle("k events/s").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            chart.getStyler().setXAxisLabelRotation(45);
            chart.addSeries("A (baseline: floor, memory or raw JDBC)", rateNames, a);
            chart.addSeries("B (Eventsync)", rateNames, b);
            BitmapEncoder.saveBitmap(chart, directory.resolve(prefix + "-throughput.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
