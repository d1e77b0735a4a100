package dev.eventsync.tck.property;

import dev.eventsync.api.Event;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A seeded source of test data: the same seed always yields the same values, so a seed printed in a
 * failure replays the try. Not thread-safe; give each generating thread its own {@code Gen}.
 */
public final class Gen {

    /** Hand-picked args texts that a store or codec is tempted to normalise. Each must come back byte for byte. */
    public static final List<String> TRICKY_ARGS = List.of(
            "{\"text\":\"h\u00e9llo w\u00f6rld \u65e5\u672c\u8a9e \ud83c\udf89\",\"n\":1}",
            "{ \"spaced\" : [ 1 , 2 ,3 ] ,\n\t\"tab\":true }",
            "{\"num\":1.0e3,\"neg\":-0.0,\"big\":12345678901234567890123,\"frac\":0.10000000000000000001}",
            "{\"escapes\":\"quote \\\" backslash \\\\ slash \\/ newline \\n unicode \\u00e9 \\ud83d\\ude00\"}",
            "{\"b\":2,\"a\":1,\"a2\":{\"z\":[],\"y\":{}}}",
            "{\"deep\":[[[[[[[[[[{\"x\":[1,{\"y\":[null,false]}]}]]]]]]]]]]}",
            "\"just a string\"",
            "42",
            "null",
            "[]",
            "{\"emoji\":\"\ud83d\udc4d\ud83c\udffd\",\"zwj\":\"\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67\",\"nul\":\"\\u0000\"}");

    private final long seed;
    private final SplittableRandom random;
    private final boolean trickyArgs;

    public Gen(long seed) {
        this(seed, true);
    }

    private Gen(long seed, boolean trickyArgs) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.trickyArgs = trickyArgs;
    }

    /**
     * A generator of the same seed whose {@link #args} are always present and never use {@link #TRICKY_ARGS}: args
     * that survive a server which parses and re-encodes JSON (LiveStore's sync-cf returns absent args as null), for
     * rules of profile livestore.
     */
    public Gen withoutTrickyArgs() {
        return new Gen(seed, false);
    }

    public long seed() {
        return seed;
    }

    /** A uniformly chosen int in {@code [min, max]}. */
    public int between(int min, int max) {
        if (max < min) {
            throw new IllegalArgumentException("max " + max + " < min " + min);
        }
        return min + random.nextInt(max - min + 1);
    }

    /** A uniformly chosen long in {@code [min, max]}. */
    public long betweenLong(long min, long max) {
        return min + random.nextLong(max - min + 1);
    }

    /** True with probability {@code p}. */
    public boolean chance(double p) {
        return random.nextDouble() < p;
    }

    public <T> T pick(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A new generator whose sequence depends only on this one's next value (for independent sub-streams). */
    public Gen split() {
        return new Gen(random.nextLong());
    }

    /** Letters and digits. */
    public String word(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    /**
     * Args JSON text that is unique through {@code tag}: usually a small object, sometimes one of
     * {@link #TRICKY_ARGS} wrapped with the tag, sometimes absent.
     */
    public Optional<String> args(String tag) {
        int kind = random.nextInt(10);
        if (kind == 0 && trickyArgs) {
            return Optional.empty();
        }
        if (kind <= 2 && trickyArgs) {
            return Optional.of("{\"tag\":\"" + tag + "\",\"v\":" + pick(TRICKY_ARGS) + "}");
        }
        return Optional.of("{\"tag\":\"" + tag + "\",\"text\":\"" + word(between(0, 24)) + "\"}");
    }

    /** Args of about {@code bytes} bytes: an object with one long text field, unique through {@code tag}. */
    public static String sizedArgs(String tag, int bytes) {
        String prefix = "{\"tag\":\"" + tag + "\",\"blob\":\"";
        int fill = Math.max(0, bytes - prefix.length() - 2);
        StringBuilder s = new StringBuilder(bytes + 8).append(prefix);
        for (int i = 0; i < fill; i++) {
            s.append((char) ('a' + (i * 7 + tag.length()) % 26));
        }
        return s.append("\"}").toString();
    }

    /**
     * A chained batch: the first event follows {@code parent} with a gap of 1 to {@code maxGap}, every
     * later event follows the one before it (also with gaps up to {@code maxGap}).
     */
    public List<Event> chain(long parent, int count, int maxGap, String clientId, String sessionId, String tagPrefix) {
        List<Event> batch = new ArrayList<>(count);
        long previous = parent;
        for (int i = 0; i < count; i++) {
            long seq = previous + between(1, Math.max(1, maxGap));
            batch.add(new Event("hist-v1", args(tagPrefix + "-" + i), seq, previous, clientId, sessionId));
            previous = seq;
        }
        return batch;
    }

    /** A chained batch without gaps and with small unique args. */
    public static List<Event> simpleChain(long parent, int count, String clientId, String tagPrefix) {
        List<Event> batch = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long seq = parent + i + 1;
            batch.add(new Event("todoCreated-v1", Optional.of("{\"id\":\"" + tagPrefix + "-" + i + "\",\"n\":" + seq + "}"),
                    seq, seq - 1, clientId, "session-" + clientId));
        }
        return batch;
    }
}
