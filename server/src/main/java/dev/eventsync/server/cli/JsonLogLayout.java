package dev.eventsync.server.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.LayoutBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per log event, on one line, for log shippers:
 * {@code {"time":"2026-01-02T03:04:05.678Z","level":"INFO","logger":"dev.eventsync.core.SyncEngine",
 * "thread":"eventsync-worker-1","store":"todos","fromSeqNum":4,"toSeqNum":6,"message":"...","error":"..."}}.
 *
 * <p>{@code store} and seq numbers come from the event's SLF4J key-value pairs and MDC; a message that follows
 * the project's "{@code store <id>: ...}" convention gives {@code store} when no pair does. {@code error} (the
 * stack trace) appears only for events logged with an exception.
 */
public final class JsonLogLayout extends LayoutBase<ILoggingEvent> {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Pattern STORE_PREFIX = Pattern.compile("^[Ss]tore '?([^\\s':]+)'?:? ");

    @Override
    public String doLayout(ILoggingEvent event) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("time", Instant.ofEpochMilli(event.getTimeStamp()).toString());
            json.writeStringField("level", event.getLevel().toString());
            json.writeStringField("logger", event.getLoggerName());
            json.writeStringField("thread", event.getThreadName());
            boolean store = false;
            for (Map.Entry<String, String> mdc : event.getMDCPropertyMap().entrySet()) {
                json.writeStringField(mdc.getKey(), mdc.getValue());
                store |= mdc.getKey().equals("store");
            }
            if (event.getKeyValuePairs() != null) {
                for (KeyValuePair pair : event.getKeyValuePairs()) {
                    writeValue(json, pair.key, pair.value);
                    store |= pair.key.equals("store");
                }
            }
            String message = event.getFormattedMessage();
            if (!store && message != null) {
                Matcher m = STORE_PREFIX.matcher(message);
                if (m.find()) {
                    json.writeStringField("store", m.group(1));
                }
            }
            json.writeStringField("message", message);
            IThrowableProxy error = event.getThrowableProxy();
            if (error != null) {
                json.writeStringField("error", ThrowableProxyUtil.asString(error));
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void writeValue(JsonGenerator json, String key, Object value) throws IOException {
        if (value instanceof Long || value instanceof Integer || value instanceof Short) {
            json.writeNumberField(key, ((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            json.writeBooleanField(key, b);
        } else {
            json.writeStringField(key, String.valueOf(value));
        }
    }
}
