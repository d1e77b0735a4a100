package dev.eventsync.vertx.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.eventsync.api.json.ProtocolJson;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * The streaming JSON steps the RPC framing ({@link RpcCodec}) and the RPC payloads ({@link SyncRpc}) share:
 * writing a message with a generator, reading a string field, skipping or slicing a value out of the original
 * text, and naming a token in an error message. Works on {@link ProtocolJson}'s factory; pure and thread-safe.
 */
final class WireJson {

    static final JsonFactory FACTORY = ProtocolJson.reader().getFactory();

    private WireJson() {
    }

    /** What writes one JSON value to a generator. */
    interface GeneratorBody {
        void write(JsonGenerator g) throws IOException;
    }

    /** The JSON text {@code body} writes. */
    static String write(GeneratorBody body) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            body.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** The exact source text of the value at the parser's current token; leaves the parser on its last token. */
    static String slice(String text, JsonParser p) throws IOException {
        int start = (int) p.currentTokenLocation().getCharOffset();
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            p.getText(); // finishes the lazily read token so that the end offset is exact
        }
        p.skipChildren();
        int end = (int) p.currentLocation().getCharOffset();
        return text.substring(start, end);
    }

    /** The current token as the string value of {@code field}; a {@link WireFormatException} for anything else. */
    static String string(JsonParser p, String field) throws IOException, WireFormatException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new WireFormatException("'" + field + "' must be a string, got " + describe(p.currentToken()));
        }
        return p.getText();
    }

    /** Skips the value whose first token {@code v} is current (an ignored field). */
    static void skip(JsonParser p, JsonToken v) throws IOException {
        if (v.isStructStart()) {
            p.skipChildren();
        }
    }

    /** A token in words, for error messages. */
    static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.toString();
        };
    }

    /** {@code s} cut to 64 characters, for echoing untrusted input in error messages. */
    static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
