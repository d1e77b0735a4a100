package dev.eventsync.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventsync.api.json.ProtocolJson;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/** {@code --log-format json}: one JSON object per line with time, level, logger, store, seq numbers, message. */
class JsonLogLayoutTest {

    private final LoggerContext context = (LoggerContext) org.slf4j.LoggerFactory.getILoggerFactory();
    private final JsonLogLayout layout = new JsonLogLayout();

    private JsonNode layOut(LoggingEvent event) throws Exception {
        layout.setContext(context);
        layout.start();
        String line = layout.doLayout(event);
        assertThat(line).endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n");
        return ProtocolJson.readTree(line);
    }

    private LoggingEvent event(String message, Object... args) {
        LoggingEvent event = new LoggingEvent("dev.eventsync.core.SyncEngine", context.getLogger("dev.eventsync.core.SyncEngine"),
                Level.INFO, message, null, args);
        event.setTimeStamp(1_767_225_600_123L);
        event.setThreadName("eventsync-worker-1");
        return event;
    }

    @Test
    void keyValuePairsGiveStoreAndSeqNumbersAsFields() throws Exception {
        LoggingEvent event = event("appended {} events", 2);
        event.setKeyValuePairs(List.of(new KeyValuePair("store", "todos"), new KeyValuePair("fromSeqNum", 4L),
                new KeyValuePair("toSeqNum", 6L)));
        JsonNode json = layOut(event);
        assertThat(json.path("time").asText()).isEqualTo("2026-01-01T00:00:00.123Z");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("logger").asText()).isEqualTo("dev.eventsync.core.SyncEngine");
        assertThat(json.path("thread").asText()).isEqualTo("eventsync-worker-1");
        assertThat(json.path("store").asText()).isEqualTo("todos");
        assertThat(json.path("fromSeqNum").isIntegralNumber()).isTrue();
        assertThat(json.path("toSeqNum").asLong()).isEqualTo(6);
        assertThat(json.path("message").asText()).isEqualTo("appended 2 events");
        assertThat(json.has("error")).isFalse();
    }

    @Test
    void theStoreConventionOfMessagesGivesTheStoreFieldAndQuotesAreEscaped() throws Exception {
        JsonNode json = layOut(event("store {}: reset, new backendId \"{}\"", "todos-1", "abc"));
        assertThat(json.path("store").asText()).isEqualTo("todos-1");
        assertThat(json.path("message").asText()).isEqualTo("store todos-1: reset, new backendId \"abc\"");
        JsonNode plain = layOut(event("Eventsync stopped"));
        assertThat(plain.has("store")).isFalse();
    }

    @Test
    void mdcEntriesAndExceptionsAreKept() throws Exception {
        LoggingEvent event = new LoggingEvent("x", context.getLogger("x"), Level.ERROR, "failed", new IllegalStateException("boom"),
                null);
        event.setMDCPropertyMap(Map.of("requestId", "r-1"));
        JsonNode json = layOut(event);
        assertThat(json.path("requestId").asText()).isEqualTo("r-1");
        assertThat(json.path("error").asText()).contains("IllegalStateException: boom").contains("\tat ");
    }
}
