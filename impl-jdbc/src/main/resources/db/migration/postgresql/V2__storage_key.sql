-- Eventsync schema v2: one random key per database, made once here. A store that was never written
-- derives from it the backendId its first append gives it, so reads (pulls) never have to create a store
-- row (see BackendIds). A wiped or another database has another key, hence other backendIds.
CREATE TABLE eventsync_storage (
    id          INTEGER     NOT NULL PRIMARY KEY CHECK (id = 1),
    storage_key VARCHAR(64) NOT NULL
);

INSERT INTO eventsync_storage (id, storage_key)
VALUES (1, md5(random()::text || clock_timestamp()::text || pg_backend_pid()::text || random()::text));

-- How often each deleted store was deleted: it enters the derivation, so that a deleted store used again
-- gets a backendId its clients have not seen (they detect that their history is gone).
CREATE TABLE eventsync_deleted_store (
    store_id  VARCHAR(256) NOT NULL PRIMARY KEY,
    deletions BIGINT       NOT NULL
);
