package dev.eventsync.jdbc;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/** Writing a batch's rows into {@code eventsync_event} (the same SQL on every dialect). */
final class EventRows {

    private static final String INSERT_EVENT = "INSERT INTO eventsync_event (store_id, seq_num, parent_seq_num,"
            + " ord, name, args, client_id, session_id, created_at_second, created_at_nano)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private EventRows() {
    }

    /**
     * Inserts {@code batch} as one JDBC batch, inside the caller's transaction; {@code eventCount} is the store's
     * event count before it (the first event gets {@code ord = eventCount + 1}).
     */
    static void insert(Connection connection, StoreId storeId, List<Event> batch, long eventCount, Instant createdAt)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT_EVENT)) {
            long ord = eventCount;
            for (Event event : batch) {
                insert.setString(1, storeId.value());
                insert.setLong(2, event.seqNum());
                insert.setLong(3, event.parentSeqNum());
                insert.setLong(4, ++ord);
                insert.setString(5, event.name());
                if (event.args().isPresent()) {
                    insert.setString(6, event.args().get());
                } else {
                    insert.setNull(6, Types.VARCHAR);
                }
                insert.setString(7, event.clientId());
                insert.setString(8, event.sessionId());
                insert.setLong(9, createdAt.getEpochSecond());
                insert.setInt(10, createdAt.getNano());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
