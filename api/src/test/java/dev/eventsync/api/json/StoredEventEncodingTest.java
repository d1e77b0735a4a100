package dev.eventsync.api.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kept page encoding of a stored event ({@link StoredEvent#encoded()}) and the pages built from it by
 * concatenation are byte for byte what a generator writing every field wrote before (the reference below is that
 * writer, kept here as the oracle), on random events with every escape, astral characters, large args and
 * timestamps from year 1 to beyond year 9999.
 */
class StoredEventEncodingTest {

    private static final long SEED = Long.getLong("eventsync.test.seed", System.nanoTime());
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final String[] PIECES = {"a", "Z", "0", " ", "\"", "\\", "/", "\b", "\t", "\n", "\f", "\r",
        "\u0000", "\u0001", "\u001f", "\u007f", "\u0080", "é", "\u07ff", "\u0800", "€", "\uffff", "\uD83D\uDE00",
        "\uDBFF\uDFFF", "中文", "</script>"};

    // ------------------------------------------------------------- the reference: the generator-based writer

    private static void referenceEvent(JsonGenerator g, Event e) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", e.name());
        if (e.args().isPresent()) {
            g.writeFieldName("args");
            g.writeRawValue(e.args().get());
        }
        g.writeNumberField("seqNum", e.seqNum());
        g.writeNumberField("parentSeqNum", e.parentSeqNum());
        g.writeStringField("clientId", e.clientId());
        g.writeStringField("sessionId", e.sessionId());
        g.writeEndObject();
    }

    private static void referenceStored(JsonGenerator g, StoredEvent e) throws IOException {
        g.writeStartObject();
        g.writeFieldName("eventEncoded");
        referenceEvent(g, e.event());
        g.writeObjectFieldStart("metadata");
        g.writeStringField("_tag", "Some");
        g.writeObjectFieldStart("value");
        g.writeStringField("_tag", "SyncMessage.SyncMetadata");
        g.writeStringField("createdAt", ISO_MILLIS.format(e.createdAt()));
        g.writeEndObject();
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void referencePage(JsonGenerator g, PullPage page) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("batch");
        for (StoredEvent e : page.batch()) {
            referenceStored(g, e);
        }
        g.writeEndArray();
        g.writeObjectFieldStart("pageInfo");
        if (page.pageInfo() instanceof PageInfo.MoreKnown known) {
            g.writeStringField("_tag", "MoreKnown");
            g.writeNumberField("remaining", known.remaining());
        } else {
            g.writeStringField("_tag", page.pageInfo() instanceof PageInfo.MoreUnknown ? "MoreUnknown" : "NoMore");
        }
        g.writeEndObject();
        g.writeStringField("backendId", page.backendId());
        g.writeEndObject();
    }

    private interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static String referenceText(Body body) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = ProtocolJson.factory().createGenerator(out)) {
            body.write(g);
        }
        return out.toString();
    }

    private static byte[] referenceBytes(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = ProtocolJson.factory().createGenerator(out)) {
            body.write(g);
        }
        return out.toByteArray();
    }

    // ------------------------------------------------------------- random input

    private static String text(Random random, int maxPieces) {
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(maxPieces);
        for (int i = 0; i < n; i++) {
            b.append(random.nextInt(3) == 0 ? PIECES[random.nextInt(PIECES.length)] : "x" + random.nextInt(100));
        }
        return b.toString();
    }

    private static Optional<String> args(Random random) {
        return switch (random.nextInt(5)) {
            case 0 -> Optional.empty();
            case 1 -> Optional.of(" { \"spaced\" : [1, 2.50, -0e3, true, null] } ");
            case 2 -> Optional.of("{\"big\":\"" + "y".repeat(20_000 + random.nextInt(50_000)) + "\"}");
            default -> Optional.of("{\"t\":" + ProtocolJson.write(text(random, 12)) + ",\"u\":\"\\ud83d\\ude00\\n\","
                    + "\"raw\":\"" + "é😀€" + "\",\"n\":" + random.nextInt() + "}");
        };
    }

    private static Instant instant(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Instant.ofEpochSecond(-62_135_596_800L); // year 1
            case 1 -> Instant.ofEpochSecond(253_402_300_800L + random.nextInt(1_000_000)); // after year 9999
            case 2 -> Instant.ofEpochSecond(-62_135_596_801L - random.nextInt(1_000_000)); // before year 1
            case 3 -> Instant.EPOCH;
            default -> Instant.ofEpochMilli(random.nextLong() % 300_000_000_000_000L);
        };
    }

    static StoredEvent storedEvent(Random random) {
        long parent = random.nextBoolean() ? random.nextInt(1000) : Math.abs(random.nextLong() / 2);
        Event e = new Event(text(random, 10), args(random), parent + 1 + random.nextInt(5), parent,
                text(random, 6), text(random, 6));
        return new StoredEvent(e, instant(random));
    }

    private static PageInfo pageInfo(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> PageInfo.NO_MORE;
            case 1 -> PageInfo.moreKnown(1 + (random.nextLong() & Long.MAX_VALUE) % 1_000_000_000_000L);
            default -> PageInfo.MORE_UNKNOWN;
        };
    }

    private static PullPage page(Random random) {
        List<StoredEvent> batch = new ArrayList<>();
        int n = random.nextInt(6);
        for (int i = 0; i < n; i++) {
            batch.add(storedEvent(random));
        }
        return new PullPage(batch, pageInfo(random), random.nextBoolean() ? "backend-" + random.nextInt(99)
                : text(random, 4));
    }

    // ------------------------------------------------------------- tests

    @Test
    void anEventsKeptEncodingIsTheGeneratorsTextAndItsSizeTheCountedOne() throws IOException {
        Random random = new Random(SEED);
        for (int i = 0; i < 2_000; i++) {
            StoredEvent e = storedEvent(random);
            String expected = referenceText(g -> referenceStored(g, e));
            assertThat(e.encoded()).as("seed %d, event %d", SEED, i).isEqualTo(expected);
            assertThat(ProtocolJson.encodeStoredEvent(e)).isEqualTo(expected);
            assertThat(e.encodedBytes()).as("seed %d, event %d", SEED, i)
                    .isEqualTo(ProtocolJson.encodedSize(e))
                    .isEqualTo(referenceBytes(g -> referenceStored(g, e)).length);
            assertThat(ProtocolJson.write(e)).isEqualTo(expected);
            assertThat(ProtocolJson.writer().writeValueAsBytes(e)).as("seed %d, event %d", SEED, i)
                    .isEqualTo(referenceBytes(g -> referenceStored(g, e)));
        }
    }

    @Test
    void theEncodingIsComputedOnceAndKept() {
        StoredEvent e = new StoredEvent(Event.of("n", "{\"a\":1}", 2, 1, "c", "s"), Instant.ofEpochMilli(1234));
        String first = e.encoded();
        assertThat(e.encoded()).isSameAs(first);
        assertThat(ProtocolJson.writePage("", new PullPage(List.of(e), PageInfo.NO_MORE, "b"), ""))
                .contains(first);
    }

    @Test
    void pagesBuiltFromKeptEncodingsAreTheGeneratorsPagesByteForByte() throws IOException {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 1_000; i++) {
            PullPage page = page(random);
            String expected = referenceText(g -> referencePage(g, page));
            assertThat(ProtocolJson.write(page)).as("seed %d, page %d", SEED, i).isEqualTo(expected);
            assertThat(ProtocolJson.writePage("[", page, "]")).as("seed %d, page %d", SEED, i)
                    .isEqualTo("[" + expected + "]");
            assertThat(ProtocolJson.writer().writeValueAsBytes(page)).as("seed %d, page %d", SEED, i)
                    .isEqualTo(referenceBytes(g -> referencePage(g, page)));
            // a second encoding of the same page (its events now keep their text) is the same text
            assertThat(ProtocolJson.writePage("", page, "")).isEqualTo(expected);
        }
    }

    @Test
    void quotedIsTheGeneratorsStringLiteral() throws IOException {
        Random random = new Random(SEED + 2);
        for (int i = 0; i < 5_000; i++) {
            String s = random.nextInt(4) == 0 ? "plain-" + random.nextInt(1000) : text(random, 8);
            assertThat(JsonText.quoted(s)).as("seed %d: %s", SEED, s).isEqualTo(referenceText(g -> g.writeString(s)));
        }
        assertThat(JsonText.quoted("")).isEqualTo("\"\"");
    }

    /** The validity check as it was: the protocol's factory, the value skipped as opaque. */
    private static boolean referenceIsValidJson(String text) {
        try (com.fasterxml.jackson.core.JsonParser p = ProtocolJson.factory().createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            JsonText.skipOpaque(p);
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theValidityCheckAnswersAsTheProtocolParserDid() {
        Random random = new Random(SEED + 3);
        String[] cuts = {"{", "}", "[", "]", ",", ":", "\"", "1", "-", "e", "t", "n", " ", "\\", "\u0000", "/"};
        for (int i = 0; i < 20_000; i++) {
            String text = args(random).orElse("");
            if (text.length() > 2_000) {
                text = text.substring(0, 100) + "\"}";
            }
            if (random.nextBoolean() && !text.isEmpty()) {
                int at = random.nextInt(text.length());
                text = random.nextBoolean() ? text.substring(0, at) + cuts[random.nextInt(cuts.length)] + text.substring(at)
                        : text.substring(0, at) + text.substring(at + 1);
            }
            if (random.nextInt(10) == 0) {
                text = "{\"k\":1,\"k\":{\"k\":[{\"k\":2,\"k\":3}]}}" + (random.nextBoolean() ? "" : " x");
            }
            assertThat(ProtocolJson.isValidJson(text)).as("seed %d: %s", SEED, text).isEqualTo(referenceIsValidJson(text));
        }
    }

    @Test
    void storedEventsAreValuesAsTheRecordWas() {
        Event event = Event.of("n", "{\"a\":1}", 2, 1, "c", "s");
        StoredEvent a = new StoredEvent(event, Instant.ofEpochMilli(5));
        StoredEvent b = new StoredEvent(Event.of("n", "{\"a\":1}", 2, 1, "c", "s"), Instant.ofEpochMilli(5));
        a.encoded(); // keeping an encoding changes nothing of the value
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.hashCode()).isEqualTo(31 * event.hashCode() + Instant.ofEpochMilli(5).hashCode());
        assertThat(a).isNotEqualTo(new StoredEvent(event, Instant.ofEpochMilli(6)));
        assertThat(a.toString()).isEqualTo("StoredEvent[event=" + event + ", createdAt=1970-01-01T00:00:00.005Z]");
        assertThat(a.seqNum()).isEqualTo(2);
    }
}
