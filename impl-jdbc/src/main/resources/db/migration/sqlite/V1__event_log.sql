-- Eventsync schema v1 (SQLite): one head row per store, events keyed by (store, seqNum).
CREATE TABLE eventsync_store (
    store_id    TEXT    NOT NULL PRIMARY KEY,
    backend_id  TEXT    NOT NULL,
    head        INTEGER NOT NULL,
    event_count INTEGER NOT NULL
);

CREATE TABLE eventsync_event (
    store_id          TEXT    NOT NULL REFERENCES eventsync_store (store_id),
    seq_num           INTEGER NOT NULL,
    parent_seq_num    INTEGER NOT NULL,
    ord               INTEGER NOT NULL,
    name              TEXT    NOT NULL,
    args              TEXT,
    client_id         TEXT    NOT NULL,
    session_id        TEXT    NOT NULL,
    created_at_second INTEGER NOT NULL,
    created_at_nano   INTEGER NOT NULL,
    PRIMARY KEY (store_id, seq_num)
) WITHOUT ROWID;
