-- Eventsync schema v1 (MariaDB/MySQL, InnoDB): one head row per store, events keyed by (store, seqNum).
-- Store ids compare byte for byte (ascii_bin); text columns are utf8mb4 with a binary collation, so args
-- come back exactly as the client sent them.
CREATE TABLE eventsync_store (
    store_id    VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,
    backend_id  VARCHAR(64)  CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    head        BIGINT       NOT NULL,
    event_count BIGINT       NOT NULL
) ENGINE = InnoDB;

CREATE TABLE eventsync_event (
    store_id          VARCHAR(256) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    seq_num           BIGINT   NOT NULL,
    parent_seq_num    BIGINT   NOT NULL,
    ord               BIGINT   NOT NULL,
    name              TEXT     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    args              LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    client_id         TEXT     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    session_id        TEXT     CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_at_second BIGINT   NOT NULL,
    created_at_nano   INT      NOT NULL,
    PRIMARY KEY (store_id, seq_num),
    CONSTRAINT eventsync_event_store FOREIGN KEY (store_id) REFERENCES eventsync_store (store_id)
) ENGINE = InnoDB;
