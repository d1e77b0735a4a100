package dev.eventsync.tck.property;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.PushRules;
import dev.eventsync.api.json.ProtocolJson;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Generators are deterministic per seed and produce valid protocol data. */
class GenTest {

    @Test
    void sameSeedGivesSameData() {
        for (long seed : new long[] {0, 1, -7, 123456789L}) {
            assertThat(new Gen(seed).chain(5, 20, 3, "c", "s", "t")).isEqualTo(new Gen(seed).chain(5, 20, 3, "c", "s", "t"));
            assertThat(StorageHistory.generate(new Gen(seed), 3, 50)).isEqualTo(StorageHistory.generate(new Gen(seed), 3, 50));
            assertThat(ProtocolHistory.generate(new Gen(seed), 3, 40)).isEqualTo(ProtocolHistory.generate(new Gen(seed), 3, 40));
        }
    }

    @Test
    void differentSeedsGiveDifferentData() {
        assertThat(ProtocolHistory.generate(new Gen(1), 3, 40)).isNotEqualTo(ProtocolHistory.generate(new Gen(2), 3, 40));
        assertThat(new Gen(1).chain(0, 10, 3, "c", "s", "t")).isNotEqualTo(new Gen(2).chain(0, 10, 3, "c", "s", "t"));
    }

    @Test
    void chainsAreValidBatchesWithValidArgs() {
        Gen gen = new Gen(42);
        for (int i = 0; i < 200; i++) {
            long parent = gen.betweenLong(0, 1000);
            List<Event> batch = gen.chain(parent, gen.between(1, 10), 4, "client", "session", "t" + i);
            assertThat(PushRules.checkShape(batch)).isEmpty();
            assertThat(PushRules.checkHead(batch, parent)).isEmpty();
            batch.forEach(e -> e.args().ifPresent(a -> assertThat(ProtocolJson.isValidJson(a)).as(a).isTrue()));
        }
        Gen.TRICKY_ARGS.forEach(a -> assertThat(ProtocolJson.isValidJson(a)).as(a).isTrue());
        assertThat(ProtocolJson.isValidJson(Gen.sizedArgs("x", 5000))).isTrue();
        assertThat(Gen.sizedArgs("x", 5000)).hasSize(5000);
    }

    @Test
    void programsAreSortedIntoRoundsAndIndexed() {
        List<ProtocolHistory.Step> program = ProtocolHistory.generate(new Gen(9), 3, 60);
        assertThat(program).hasSize(60);
        for (int i = 0; i < program.size(); i++) {
            assertThat(program.get(i).index()).isEqualTo(i);
            assertThat(program.get(i).client()).isBetween(0, 2);
            if (i > 0) {
                assertThat(program.get(i).round()).isGreaterThanOrEqualTo(program.get(i - 1).round());
            }
        }
        assertThat(program).anyMatch(s -> s.action() instanceof ProtocolHistory.Push p && p.mode() == ProtocolHistory.PushMode.STALE);
        assertThat(program).anyMatch(s -> s.action() instanceof ProtocolHistory.OpenLive);
        assertThat(program).anyMatch(s -> s.action() instanceof ProtocolHistory.Pull);
    }
}
