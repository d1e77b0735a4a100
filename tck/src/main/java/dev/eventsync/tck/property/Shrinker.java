package dev.eventsync.tck.property;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Shrinks a failing list of steps by delta debugging (Zeller's ddmin): it removes ever smaller chunks
 * while the rest still fails, and returns a list from which no single step can be removed without the
 * failure going away (1-minimal), or the best found when the budget of test runs is spent.
 */
public final class Shrinker {

    private Shrinker() {
    }

    /**
     * The result of shrinking.
     *
     * @param minimal the smallest failing list found
     * @param runs    how many times {@code fails} was evaluated
     */
    public record Result<T>(List<T> minimal, int runs) {
    }

    /**
     * Shrinks {@code failing}, which must fail, using at most {@code maxRuns} evaluations of
     * {@code fails}.
     */
    public static <T> Result<T> shrink(List<T> failing, Predicate<List<T>> fails, int maxRuns) {
        List<T> current = List.copyOf(failing);
        int runs = 0;
        int n = 2;
        while (current.size() >= 2 && runs < maxRuns) {
            int chunk = (int) Math.ceil(current.size() / (double) n);
            boolean reduced = false;
            // try removing each chunk (testing the complement)
            for (int start = 0; start < current.size() && runs < maxRuns; start += chunk) {
                List<T> complement = new ArrayList<>(current.subList(0, start));
                complement.addAll(current.subList(Math.min(current.size(), start + chunk), current.size()));
                if (complement.isEmpty()) {
                    continue;
                }
                runs++;
                if (fails.test(complement)) {
                    current = List.copyOf(complement);
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (chunk == 1) {
                    break;
                }
                n = Math.min(current.size(), n * 2);
            }
        }
        return new Result<>(current, runs);
    }
}
