package dev.eventsync.jdbc;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.List;

/**
 * Writing a batch's rows into {@code eventsync_event} (the same SQL on every dialect): multi-row
 * {@code INSERT ... VALUES (...), (...)} statements of at most {@link #MAX_ROWS_PER_STATEMENT} rows, so that a
 * batch of 50 events is one statement, executed once, rather than a JDBC batch (which the SQLite driver runs
 * row by row, one native call per row, and which the server drivers only rewrite this way when asked to).
 */
final class EventRows {

    /** Rows per INSERT: 10 parameters a row stay below 999, the lowest variable limit SQLite was built with. */
    static final int MAX_ROWS_PER_STATEMENT = 99;
    private static final int COLUMNS = 10;
    private static final String INSERT_PREFIX = "INSERT INTO eventsync_event (store_id, seq_num, parent_seq_num,"
            + " ord, name, args, client_id, session_id, created_at_second, created_at_nano) VALUES ";
    private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** The INSERT for n rows at index n - 1, made once. */
    private static final String[] INSERTS = new String[MAX_ROWS_PER_STATEMENT];

    static {
        StringBuilder sql = new StringBuilder(INSERT_PREFIX);
        for (int rows = 1; rows <= MAX_ROWS_PER_STATEMENT; rows++) {
            sql.append(rows == 1 ? "" : ", ").append(ROW);
            INSERTS[rows - 1] = sql.toString();
        }
    }

    private EventRows() {
    }

    /** The head move of an append. Parameters: {@code head}, {@code event_count}, {@code store_id}. */
    static final String MOVE_HEAD_SQL = "UPDATE eventsync_store SET head = ?, event_count = ? WHERE store_id = ?";

    /** The INSERT statement for {@code rows} rows (1 to {@link #MAX_ROWS_PER_STATEMENT}). */
    static String insertSql(int rows) {
        return INSERTS[rows - 1];
    }

    /**
     * Inserts {@code batch} inside the caller's transaction, in statements of at most
     * {@link #MAX_ROWS_PER_STATEMENT} rows; {@code eventCount} is the store's event count before it (the first
     * event gets {@code ord = eventCount + 1}). An empty batch inserts nothing.
     */
    static void insert(Connection connection, StoreId storeId, List<Event> batch, long eventCount, Instant createdAt)
            throws SQLException {
        long ord = eventCount;
        for (int from = 0; from < batch.size(); from += MAX_ROWS_PER_STATEMENT) {
            List<Event> rows = batch.subList(from, Math.min(batch.size(), from + MAX_ROWS_PER_STATEMENT));
            try (PreparedStatement insert = connection.prepareStatement(insertSql(rows.size()))) {
                bind(insert, 1, storeId, rows, ord, createdAt);
                int inserted = insert.executeUpdate();
                if (inserted != rows.size()) {
                    throw new SQLException("inserted " + inserted + " of " + rows.size() + " event rows");
                }
            }
            ord += rows.size();
        }
    }

    /**
     * Binds {@code rows} (at most {@link #MAX_ROWS_PER_STATEMENT}) to the parameters of {@link #insertSql} from
     * {@code firstParameter} on, the first row with {@code ord = ordBefore + 1}; returns the next free parameter.
     */
    static int bind(PreparedStatement insert, int firstParameter, StoreId storeId, List<Event> rows, long ordBefore,
            Instant createdAt) throws SQLException {
        int p = firstParameter - 1;
        long ord = ordBefore;
        for (Event event : rows) {
            insert.setString(p + 1, storeId.value());
            insert.setLong(p + 2, event.seqNum());
            insert.setLong(p + 3, event.parentSeqNum());
            insert.setLong(p + 4, ++ord);
            insert.setString(p + 5, event.name());
            if (event.args().isPresent()) {
                insert.setString(p + 6, event.args().get());
            } else {
                insert.setNull(p + 6, Types.VARCHAR);
            }
            insert.setString(p + 7, event.clientId());
            insert.setString(p + 8, event.sessionId());
            insert.setLong(p + 9, createdAt.getEpochSecond());
            insert.setInt(p + 10, createdAt.getNano());
            p += COLUMNS;
        }
        return p + 1;
    }

    /** Moves the head row of {@code storeId} ({@link #MOVE_HEAD_SQL}); fails when there is no such row. */
    static void moveHead(Connection connection, StoreId storeId, long head, long eventCount) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement(MOVE_HEAD_SQL)) {
            update.setLong(1, head);
            update.setLong(2, eventCount);
            update.setString(3, storeId.value());
            if (update.executeUpdate() != 1) {
                throw new SQLException("the head row of store '" + storeId + "' was not moved");
            }
        }
    }
}
