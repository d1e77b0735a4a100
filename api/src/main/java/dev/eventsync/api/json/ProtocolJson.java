package dev.eventsync.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.eventsync.api.Event;
import dev.eventsync.api.PageInfo;
import dev.eventsync.api.PullCursor;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.api.SyncError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The one JSON codec of the protocol model, in LiveStore's wire shapes (sync-cf 0.4):
 * {@link Event} as {@code {"name","args","seqNum","parentSeqNum","clientId","sessionId"}},
 * {@link PullPage} as a {@code PullResponse}, {@link PageInfo}, {@link PullCursor} and {@link SyncError}
 * as LiveStore's tagged errors.
 *
 * <p>{@code args} is copied as raw text in both directions: what a client sent is what other clients
 * receive, byte for byte, whitespace and escapes included. One {@link ObjectMapper} is configured here,
 * once; callers get immutable {@link ObjectReader}s and {@link ObjectWriter}s from it.
 */
public final class ProtocolJson {

    private static final JsonFactory FACTORY = new TextSourceFactory(new JsonFactoryBuilder()
            // the raw source must be reachable from parser locations to copy args byte for byte
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET));

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .addModule(new SimpleModule("eventsync-protocol")
                    .addSerializer(Event.class, new ProtocolSerializers.EventSerializer())
                    .addDeserializer(Event.class, new ProtocolDeserializers.EventDeserializer())
                    .addSerializer(StoredEvent.class, new ProtocolSerializers.StoredEventSerializer())
                    .addDeserializer(StoredEvent.class, new ProtocolDeserializers.StoredEventDeserializer())
                    .addSerializer(PageInfo.class, new ProtocolSerializers.PageInfoSerializer())
                    .addDeserializer(PageInfo.class, new ProtocolDeserializers.PageInfoDeserializer())
                    .addSerializer(PullPage.class, new ProtocolSerializers.PullPageSerializer())
                    .addDeserializer(PullPage.class, new ProtocolDeserializers.PullPageDeserializer())
                    .addSerializer(PullCursor.class, new ProtocolSerializers.PullCursorSerializer())
                    .addDeserializer(PullCursor.class, new ProtocolDeserializers.PullCursorDeserializer())
                    .addSerializer(SyncError.class, new ProtocolSerializers.SyncErrorSerializer())
                    .addDeserializer(SyncError.class, new ProtocolDeserializers.SyncErrorDeserializer()))
            .build();

    private static final ObjectReader READER = MAPPER.reader();
    private static final ObjectWriter WRITER = MAPPER.writer();

    private ProtocolJson() {
    }

    /** A reader of the configured mapper; immutable and thread-safe. */
    public static ObjectReader reader() {
        return READER;
    }

    /** A reader for one type, for example {@code readerFor(Event.class)}. */
    public static ObjectReader readerFor(Class<?> type) {
        return READER.forType(type);
    }

    /** A writer of the configured mapper; immutable and thread-safe. */
    public static ObjectWriter writer() {
        return WRITER;
    }

    /** The JSON text of {@code value}. */
    public static String write(Object value) {
        try {
            return WRITER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses {@code json} as {@code type}; a malformed document fails with an {@link IOException}. */
    public static <T> T read(String json, Class<T> type) throws IOException {
        return READER.forType(type).readValue(json);
    }

    /** Parses {@code json} as a tree. */
    public static JsonNode readTree(String json) throws IOException {
        return READER.readTree(json);
    }

    /** A tree as a typed value, for example the {@code batch} array of a request as events. */
    public static <T> T treeToValue(JsonNode node, Class<T> type) throws IOException {
        return READER.forType(type).readValue(READER.treeAsTokens(node));
    }

    /**
     * The text of {@code length} bytes of UTF-8 at {@code offset}, decoded strictly: a byte sequence that is
     * not UTF-8 (a stray continuation byte, an overlong form such as {@code C0 AF}, an encoded surrogate, a
     * truncated sequence) fails instead of turning into U+FFFD, so that no client text is ever rewritten
     * (RFC 3629; RFC 6455 §8.1 for WebSocket text). One pass, as costly as a lenient decoding.
     *
     * @throws InvalidUtf8Exception naming the offset of the first bad byte
     */
    public static String decodeUtf8(byte[] bytes, int offset, int length) throws InvalidUtf8Exception {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
        CharBuffer out = CharBuffer.allocate(length); // UTF-8 never has more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            throw new InvalidUtf8Exception(in.position() - offset);
        }
        return out.flip().toString();
    }

    /** Bytes that are not UTF-8 where UTF-8 text is required; see {@link #decodeUtf8}. */
    public static final class InvalidUtf8Exception extends IOException {
        private static final long serialVersionUID = 1L;
        private final int byteOffset;

        public InvalidUtf8Exception(int byteOffset) {
            super("not valid UTF-8 at byte " + byteOffset);
            this.byteOffset = byteOffset;
        }

        /** The offset of the first byte that is not part of a well-formed UTF-8 sequence. */
        public int byteOffset() {
            return byteOffset;
        }
    }

    /** The protocol's JSON factory (source text kept in locations, strict names); for streaming readers and writers. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /** The number of UTF-8 bytes of {@code event}'s JSON encoding, counted without encoding it. */
    public static long encodedSize(Event event) {
        long size = EncodedSize.of(event);
        return size != EncodedSize.UNKNOWN ? size : JsonText.encodedBytes(g -> ProtocolSerializers.writeEvent(g, event));
    }

    /**
     * The number of UTF-8 bytes of {@code event}'s encoding in a pull page: {@code eventEncoded} and the
     * {@code SyncMetadata} option with its accept time; counted without encoding it.
     */
    public static long encodedSize(StoredEvent event) {
        long size = EncodedSize.of(event);
        return size != EncodedSize.UNKNOWN ? size
                : JsonText.encodedBytes(g -> ProtocolSerializers.encodeStoredEvent(g, event));
    }

    /**
     * {@code event}'s JSON in a pull page, encoded afresh: {@code {"eventEncoded":{...},"metadata":{"_tag":"Some",
     * "value":{"_tag":"SyncMessage.SyncMetadata","createdAt":"..."}}}}. {@link StoredEvent#encoded()} keeps it;
     * use that.
     */
    public static String encodeStoredEvent(StoredEvent event) {
        return ProtocolSerializers.storedEventText(event);
    }

    /**
     * {@code prefix}, then {@code page} as a {@code PullResponse} exactly as {@link #write(Object)} writes it, then
     * {@code suffix}: the page's events are copied from their kept encodings ({@link StoredEvent#encoded()}), not
     * encoded again.
     */
    public static String writePage(String prefix, PullPage page, String suffix) {
        StringBuilder out = new StringBuilder(ProtocolSerializers.pageCapacity(page) + prefix.length()
                + suffix.length());
        out.append(prefix);
        ProtocolSerializers.appendPage(out, page);
        return out.append(suffix).toString();
    }

    /**
     * Checks validity only: no source text in locations (no copy of {@code text}) and no duplicate-name checks, which
     * {@link #isValidJson} never applies (repeated names are valid JSON, RFC 8259), so its answers are the same.
     */
    private static final JsonFactory VALIDITY = new JsonFactoryBuilder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Whether {@code text} is exactly one well-formed JSON value (surrounding whitespace allowed). */
    public static boolean isValidJson(String text) {
        try (JsonParser p = VALIDITY.createParser(text)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The protocol's factory: parses every {@link String} from its characters. Jackson's own factory reads
     * a String longer than 32K chars through a {@link java.io.Reader}, which hides the source text from
     * parser locations, so {@code args} in a large document (a full push or pull page) would be
     * re-encoded instead of copied.
     */
    private static final class TextSourceFactory extends JsonFactory {
        private static final long serialVersionUID = 1L;

        TextSourceFactory(JsonFactoryBuilder builder) {
            super(builder);
        }

        private TextSourceFactory(TextSourceFactory source) {
            super(source, null);
        }

        @Override
        public JsonFactory copy() {
            return new TextSourceFactory(this);
        }

        @Override
        public JsonParser createParser(String content) throws IOException {
            return createParser(content.toCharArray());
        }
    }
}
