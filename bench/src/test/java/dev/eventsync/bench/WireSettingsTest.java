package dev.eventsync.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wire benchmark's knobs are checked before any server starts; which files a run writes; the rate check. */
class WireSettingsTest {

    private static final List<String> KNOWN = List.of("push-4x1", "fanout-100", "idle-10000");

    private static WireSettings parse(Map<String, String> properties) {
        return WireSettings.parse(properties::get, KNOWN);
    }

    @Test
    void defaultsAreAFullRun() {
        WireSettings s = parse(Map.of());
        assertThat(s.scenarios()).isEqualTo(KNOWN);
        assertThat(s.allScenarios()).isTrue();
        assertThat(s.rounds()).isEqualTo(2);
        assertThat(s.measure().toMillis()).isEqualTo(3000);
        assertThat(s.idle()).isEqualTo(10_000);
        assertThat(s.updatesLatest()).isTrue();
    }

    @Test
    void badKnobsGiveOneClearMessage() {
        assertThatThrownBy(() -> parse(Map.of("rounds", "0"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wire.rounds must be at least 1, not 0");
        assertThatThrownBy(() -> parse(Map.of("rounds", "two"))).hasMessageContaining("wire.rounds")
                .hasMessageContaining("'two'");
        assertThatThrownBy(() -> parse(Map.of("warmup", "-1"))).hasMessageContaining("wire.warmup must not be negative");
        assertThatThrownBy(() -> parse(Map.of("warmup", "abc"))).hasMessageContaining("wire.warmup must be a number");
        assertThatThrownBy(() -> parse(Map.of("measure", "0"))).hasMessageContaining("wire.measure must be more than 0");
        assertThatThrownBy(() -> parse(Map.of("measure", "-3"))).hasMessageContaining("wire.measure");
        assertThatThrownBy(() -> parse(Map.of("measure", "x"))).hasMessageContaining("wire.measure must be a number");
        assertThatThrownBy(() -> parse(Map.of("idle", "0"))).hasMessage("wire.idle must be at least 1, not 0");
        assertThatThrownBy(() -> parse(Map.of("scenarios", "push-4x1,nope")))
                .hasMessageContaining("unknown scenario 'nope'");
    }

    @Test
    void zeroWarmupIsAllowed() {
        assertThat(parse(Map.of("warmup", "0")).warmup().toMillis()).isZero();
    }

    @Test
    void resultsThatIsAFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("results"), "x");
        assertThatThrownBy(() -> parse(Map.of("results", file.toString())))
                .hasMessageContaining("exists and is not a directory");
        assertThat(parse(Map.of("results", dir.toString())).results()).isEqualTo(dir);
        assertThat(parse(Map.of("results", dir.resolve("new").toString())).results()).isEqualTo(dir.resolve("new"));
    }

    @Test
    void aSubsetOrJfrRunWritesOnlyTimeStampedFiles() {
        WireSettings subset = parse(Map.of("scenarios", "push-4x1"));
        assertThat(subset.allScenarios()).isFalse();
        assertThat(subset.updatesLatest()).isFalse();
        assertThat(parse(Map.of("jfr", "true")).updatesLatest()).isFalse();
        assertThat(parse(Map.of("scenarios", "idle-10000, fanout-100,push-4x1")).updatesLatest()).isTrue();
        assertThat(WireSettings.outputFiles("2026-11-29T2200Z", false)).containsExactly(
                "wire-2026-11-29T2200Z.json", "wire-2026-11-29T2200Z-ratios.png",
                "wire-2026-11-29T2200Z-throughput.png");
        assertThat(WireSettings.outputFiles("S", true)).containsExactly("wire-S.json", "wire-S-ratios.png",
                "wire-S-throughput.png", "wire-latest.json", "wire-latest-ratios.png", "wire-latest-throughput.png");
    }

    @Test
    void settingsJsonRecordsTheRun() {
        WireSettings s = parse(Map.of("scenarios", "push-4x1", "eventsyncArgs", "--ws-compression true",
                "logLevel", "DEBUG", "idle", "50"));
        Map<String, Object> json = s.toJson(Optional.of("abc"));
        assertThat(json).containsEntry("scenarios", List.of("push-4x1"))
                .containsEntry("eventsyncArgs", "--ws-compression true").containsEntry("logLevel", "DEBUG")
                .containsEntry("jfr", false).containsEntry("idle", 50).containsEntry("deflate", true)
                .containsEntry("git_commit", "abc");
        assertThat(s.toJson(Optional.empty())).doesNotContainKey("git_commit");
    }

    @Test
    void aFanoutSideBelowNinetyPercentOfItsRateIsFlagged() {
        assertThat(WireSettings.rateReached(100, 95)).isTrue();
        assertThat(WireSettings.rateReached(100, 90)).isTrue();
        assertThat(WireSettings.rateReached(100, 89.9)).isFalse();
        assertThat(WireSettings.rateReached(100, Double.NaN)).isFalse();
        assertThat(WireSettings.rateCheck(100, 71)).containsEntry("rate_reached", false)
                .containsEntry("pushes_per_s_requested", 100.0).containsEntry("pushes_per_s_reached", 71.0);
        assertThat(WireSettings.rateCheck(10, 10)).containsEntry("rate_reached", true);
    }

    @Test
    void theRateNoteNamesTheSideAndRound() {
        WireBenchmark.Run ok = run(1, WireSettings.rateCheck(100, 99));
        WireBenchmark.Run slow = run(2, WireSettings.rateCheck(100, 71));
        assertThat(WireReport.rateNote(List.of(ok), List.of(ok))).isEmpty();
        assertThat(WireReport.rateNote(List.of(ok), List.of(ok, slow)))
                .isEqualTo("rate not reached: B round 2 71.00/100 pushes/s");
        assertThat(WireReport.rateNote(List.of(run(1, Map.of())), List.of())).isEmpty();
    }

    @Test
    void unverifiedScenariosAreNamed() {
        assertThat(WireReport.unverified(List.of(Map.of("name", "a", "verified", true),
                Map.of("name", "b", "verified", false)))).containsExactly("b");
    }

    private static WireBenchmark.Run run(int round, Map<String, Object> extra) {
        return new WireBenchmark.Run("floor", round, 1, 1, 1, 1, 1, 1, true, List.of(), extra, 0, 0);
    }
}
