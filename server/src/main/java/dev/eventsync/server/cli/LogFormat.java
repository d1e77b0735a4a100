package dev.eventsync.server.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import dev.eventsync.server.ConfigurationException;
import java.nio.charset.StandardCharsets;
import org.slf4j.LoggerFactory;

/** {@code --log-format}: the readable lines of {@code logback.xml} ({@code text}) or {@link JsonLogLayout} ({@code json}). */
final class LogFormat {

    private LogFormat() {
    }

    static void apply(String format) {
        switch (format) {
            case "text" -> {
            }
            case "json" -> useJson();
            default -> throw new ConfigurationException("unknown log format '" + format + "': use text or json");
        }
    }

    private static void useJson() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Appender<ILoggingEvent> appender = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR");
        if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
            throw new IllegalStateException("logback.xml has no console appender named STDERR");
        }
        JsonLogLayout layout = new JsonLogLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.setCharset(StandardCharsets.UTF_8);
        encoder.start();
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }
}
