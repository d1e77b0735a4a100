package dev.eventsync.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * The charts of a {@link WireBenchmark} run (XChart, PNG): {@code wire-latest-ratios.png}, the median ratio
 * B/A of every verified scenario, and {@code wire-latest-throughput.png}, the median events/s of both sides
 * of every throughput scenario.
 */
final class WireCharts {

    private WireCharts() {
    }

    static void write(List<Map<String, Object>> scenarios, Path directory) throws IOException {
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
            CategoryChart chart = new CategoryChartBuilder().width(1100).height(520)
                    .title("Eventsync / baseline, median of paired rounds (events/s: higher is better; p99, RSS: lower)")
                    .xAxisTitle("scenario").yAxisTitle("ratio B/A").build();
            chart.getStyler().setLegendVisible(false);
            chart.getStyler().setXAxisLabelRotation(20);
            chart.getStyler().setLabelsVisible(true);
            chart.getStyler().setDecimalPattern("0.00");
            chart.addSeries("B/A", names, ratios);
            BitmapEncoder.saveBitmap(chart, directory.resolve("wire-latest-ratios.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
        if (!rateNames.isEmpty()) {
            CategoryChart chart = new CategoryChartBuilder().width(1100).height(520)
                    .title("Throughput, median of rounds (thousand events/s)")
                    .xAxisTitle("scenario").yAxisTitle("k events/s").build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            chart.getStyler().setXAxisLabelRotation(20);
            chart.addSeries("A (floor, or memory for storage scenarios)", rateNames, a);
            chart.addSeries("B (Eventsync)", rateNames, b);
            BitmapEncoder.saveBitmap(chart, directory.resolve("wire-latest-throughput.png").toString(),
                    BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
