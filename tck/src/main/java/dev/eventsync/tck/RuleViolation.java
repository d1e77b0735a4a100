package dev.eventsync.tck;

import dev.eventsync.api.json.JsonText;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * The failure of one kit rule. Its message starts with the rule id and says what was expected, what
 * happened, the shortest history that shows it, the seed that replays it, and where to look.
 */
public final class RuleViolation extends AssertionError {

    private static final long serialVersionUID = 1L;

    private final transient Rule rule;

    private RuleViolation(Rule rule, String message) {
        super(message);
        this.rule = rule;
    }

    /** The violated rule. */
    public Rule rule() {
        return rule;
    }

    /**
     * Builds a violation.
     *
     * @param what     what went wrong, in one line
     * @param expected what the rule expected
     * @param actual   what the provider did
     * @param history  the steps that lead to it (already shrunk where the kit can shrink)
     * @param shrunkFrom the number of steps before shrinking, or empty when not shrunk
     * @param seed     the seed of the try, or empty for a fixed scenario
     */
    public static RuleViolation of(Rule rule, String what, Object expected, Object actual, List<String> history,
                                   OptionalLong shrunkFrom, OptionalLong seed) {
        Objects.requireNonNull(rule, "rule");
        StringBuilder m = new StringBuilder();
        m.append(rule.id()).append(" violated: ").append(what).append('\n');
        m.append("  rule:     ").append(rule.statement()).append('\n');
        m.append("  expected: ").append(abbreviate(String.valueOf(expected))).append('\n');
        m.append("  actual:   ").append(abbreviate(String.valueOf(actual))).append('\n');
        m.append("  history (").append(history.size()).append(history.size() == 1 ? " step" : " steps");
        if (shrunkFrom.isPresent() && shrunkFrom.getAsLong() != history.size()) {
            m.append(", shrunk from ").append(shrunkFrom.getAsLong());
        }
        m.append("):\n");
        int shown = 0;
        for (String step : history) {
            if (shown == 200) {
                m.append("    ... ").append(history.size() - shown).append(" more\n");
                break;
            }
            m.append("    ").append(++shown).append(". ").append(abbreviate(step)).append('\n');
        }
        if (seed.isPresent()) {
            m.append("  seed: ").append(seed.getAsLong()).append("  (replay: -D").append(KitSettings.SEED_PROPERTY)
                    .append('=').append(seed.getAsLong()).append(" -D").append(KitSettings.TRIES_PROPERTY)
                    .append("=1)\n");
        } else {
            m.append("  seed: none (fixed scenario)\n");
        }
        m.append("  if this fails, check:\n");
        for (String hint : rule.hints()) {
            m.append("    - ").append(hint).append('\n');
        }
        m.append("  see tck/SPEC.md#").append(rule.id());
        return new RuleViolation(rule, m.toString());
    }

    static String abbreviate(String s) {
        return s.length() <= 600 ? s : JsonText.abbreviate(s, 600) + " (" + s.length() + " chars)";
    }
}
