package dev.eventsync.jdbc;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.spi.storage.AppendResult;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The child JVM of {@link CrashSafetyTestBase}: appends batches to one store as fast as it can and
 * reports each acknowledged head as a line {@code ACK <head>}, until it is killed. Each line is written
 * with a single {@code write(2)} of less than PIPE_BUF bytes, so the parent never reads half an ack.
 *
 * <p>Arguments: JDBC URL, user (or {@code -}), password (or {@code -}), store id, run tag, seed.
 */
public final class CrashPusher {

    private CrashPusher() {
    }

    public static void main(String[] args) throws IOException {
        JdbcSettings settings = JdbcSettings.of(args[0]).withMaximumPoolSize(2)
                .withConnectionTimeout(Duration.ofSeconds(10)).withChangeFeed(false);
        if (!args[1].equals("-")) {
            settings = settings.withCredentials(args[1], args[2].equals("-") ? "" : args[2]);
        }
        StoreId store = StoreId.of(args[3]);
        String run = args[4];
        Random random = new Random(Long.parseLong(args[5]));
        FileOutputStream out = new FileOutputStream(FileDescriptor.out);
        try (JdbcEventStore events = JdbcEventStore.open(settings)) {
            out.write("READY\n".getBytes(StandardCharsets.US_ASCII));
            long head = events.head(store);
            for (int batchNo = 0; ; batchNo++) {
                int size = 1 + random.nextInt(8);
                List<Event> batch = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    long seq = head + i + 1;
                    batch.add(Event.of("crash-v1", "{\"b\":\"" + run + "-" + batchNo + "\",\"i\":" + i + ",\"n\":"
                            + size + "}", seq, seq - 1, "crash-client", run));
                }
                AppendResult result = events.append(store, head, batch, Instant.now());
                if (!(result instanceof AppendResult.Appended appended)) {
                    throw new IllegalStateException("unexpected " + result + " for a single writer at head " + head);
                }
                head = appended.head();
                out.write(("ACK " + head + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
    }
}
