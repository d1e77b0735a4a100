-- Eventsync schema v1 (PostgreSQL): one head row per store, events keyed by (store, seqNum).
-- args is text (not jsonb): it must come back byte for byte as the client sent it.
CREATE TABLE eventsync_store (
    store_id    VARCHAR(256) NOT NULL PRIMARY KEY,
    backend_id  VARCHAR(64)  NOT NULL,
    head        BIGINT       NOT NULL,
    event_count BIGINT       NOT NULL
);

CREATE TABLE eventsync_event (
    store_id          VARCHAR(256) NOT NULL REFERENCES eventsync_store (store_id),
    seq_num           BIGINT       NOT NULL,
    parent_seq_num    BIGINT       NOT NULL,
    ord               BIGINT       NOT NULL,
    name              TEXT         NOT NULL,
    args              TEXT,
    client_id         TEXT         NOT NULL,
    session_id        TEXT         NOT NULL,
    created_at_second BIGINT       NOT NULL,
    created_at_nano   INTEGER      NOT NULL,
    PRIMARY KEY (store_id, seq_num)
);
