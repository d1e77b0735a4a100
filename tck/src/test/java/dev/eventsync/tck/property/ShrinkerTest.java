package dev.eventsync.tck.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Delta debugging finds the known minimal failing input. */
class ShrinkerTest {

    private static final List<Integer> HUNDRED = IntStream.range(0, 100).boxed().toList();

    @Test
    void findsTheTwoElementsThatTogetherFail() {
        Shrinker.Result<Integer> result = Shrinker.shrink(HUNDRED, l -> l.contains(17) && l.contains(42), 1000);
        assertThat(result.minimal()).containsExactly(17, 42);
        assertThat(result.runs()).isLessThan(200);
    }

    @Test
    void findsASingleCulprit() {
        assertThat(Shrinker.shrink(HUNDRED, l -> l.contains(99), 1000).minimal()).containsExactly(99);
    }

    @Test
    void keepsOrderDependentFailures() {
        // fails when 30 comes somewhere before 70 and 50 is present
        Shrinker.Result<Integer> result = Shrinker.shrink(HUNDRED,
                l -> l.contains(50) && l.indexOf(30) >= 0 && l.indexOf(70) > l.indexOf(30), 1000);
        assertThat(result.minimal()).containsExactly(30, 50, 70);
    }

    @Test
    void stopsAtTheBudgetWithAFailingList() {
        Shrinker.Result<Integer> result = Shrinker.shrink(HUNDRED, l -> l.contains(3) && l.contains(97), 3);
        assertThat(result.runs()).isLessThanOrEqualTo(3);
        assertThat(result.minimal()).contains(3, 97);
    }
}
