package dev.eventsync.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoredEvent;
import java.time.Instant;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The counted sizes are the encoded sizes, byte for byte, for every kind of character Jackson escapes or
 * encodes on more than one byte, and the fast timestamp form is {@link ProtocolSerializers#ISO_MILLIS}'s.
 */
class EncodedSizeTest {

    private static final long SEED = 1300L;
    /** Control characters, quote, backslash, DEL, 2- and 3-byte characters, a surrogate pair, ASCII. */
    private static final String[] PIECES = {"\u0000", "\u0001", "\b", "\t", "\n", "\u000B", "\f", "\r", "\u001F",
        "\"", "\\", "/", "\u007F", "\u00E9", "\u07FF", "\u0800", "\u20AC", "\uFFFD", "\uD83D\uDE00", "a", "Z", "0",
        " ", "{", "}"};

    private static String text(Random random, int max) {
        StringBuilder b = new StringBuilder();
        int n = random.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            b.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return b.toString();
    }

    private static String args(Random random) {
        // raw JSON text: a string member whose value holds the same mix, escaped as a client would
        return "{\"t\":" + ProtocolJson.write(text(random, 12)) + ",\"n\":" + random.nextInt() + "}";
    }

    private static Event event(Random random) {
        long parent = random.nextBoolean() ? random.nextInt(1000) : Math.abs(random.nextLong() / 2);
        return new Event(text(random, 10), random.nextInt(4) == 0 ? Optional.empty() : Optional.of(args(random)),
                parent + 1 + random.nextInt(5), parent, text(random, 6), text(random, 6));
    }

    @Test
    void countedSizesEqualEncodedSizes() throws Exception {
        Random random = new Random(SEED);
        for (int i = 0; i < 5_000; i++) {
            Event e = event(random);
            assertThat(ProtocolJson.encodedSize(e)).as("seed %d, event %d: %s", SEED, i, e)
                    .isEqualTo(ProtocolJson.writer().writeValueAsBytes(e).length);
            Instant at = Instant.ofEpochMilli(random.nextLong() % 300_000_000_000_000L);
            StoredEvent stored = new StoredEvent(e, at);
            assertThat(ProtocolJson.encodedSize(stored)).as("seed %d, stored event %d: %s", SEED, i, stored)
                    .isEqualTo(ProtocolJson.writer().writeValueAsBytes(stored).length);
        }
    }

    @Test
    void theLargestNumbersAndAnAbsentArgsAreCounted() throws Exception {
        Event e = new Event("n", Optional.empty(), Long.MAX_VALUE, Long.MAX_VALUE - 1, "c", "s");
        assertThat(ProtocolJson.encodedSize(e)).isEqualTo(ProtocolJson.writer().writeValueAsBytes(e).length);
        assertThat(EncodedSize.digits(Long.MIN_VALUE)).isEqualTo(Long.toString(Long.MIN_VALUE).length());
        for (long v = 1; v > 0 && v < Long.MAX_VALUE / 10; v *= 10) {
            assertThat(EncodedSize.digits(v - 1)).isEqualTo(Long.toString(v - 1).length());
            assertThat(EncodedSize.digits(v)).isEqualTo(Long.toString(v).length());
            assertThat(EncodedSize.digits(-v)).isEqualTo(Long.toString(-v).length());
        }
    }

    @Test
    void anUnpairedSurrogateIsCountedByEncoding() throws Exception {
        Event e = Event.of("bad\uD800name", "{\"x\":1}", 2, 1, "c", "s");
        assertThat(EncodedSize.of(e)).isEqualTo(EncodedSize.UNKNOWN);
        assertThat(ProtocolJson.encodedSize(e)).isEqualTo(ProtocolJson.writer().writeValueAsBytes(e).length);
    }

    @Test
    void theFastTimestampFormIsTheFormattersOne() {
        Random random = new Random(SEED);
        long[] edges = {-62_135_596_800_000L, -62_135_596_800_001L, 253_402_300_799_999L, 253_402_300_800_000L, 0,
            -1, 951_782_400_000L, 1_764_000_000_123L};
        for (long ms : edges) {
            Instant at = Instant.ofEpochMilli(ms).plusNanos(456_789);
            assertThat(ProtocolSerializers.formatInstant(at)).isEqualTo(ProtocolSerializers.ISO_MILLIS.format(at));
        }
        for (int i = 0; i < 20_000; i++) {
            Instant at = Instant.ofEpochSecond(random.nextLong() % 400_000_000_000L, random.nextInt(1_000_000_000));
            assertThat(ProtocolSerializers.formatInstant(at)).as("seed %d: %s", SEED, at)
                    .isEqualTo(ProtocolSerializers.ISO_MILLIS.format(at));
        }
    }
}
