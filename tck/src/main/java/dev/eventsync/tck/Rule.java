package dev.eventsync.tck;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rule catalogue of the compatibility kit, declared once. Every rule has a stable id (the anchor in
 * {@code tck/SPEC.md}), one sentence saying what must hold, why it matters, and hints for when it fails.
 * Each rule is verified by exactly one test method of {@link EventStoreCompatibilityKit} (ids {@code S-*})
 * or {@link SyncBackendCompatibilityKit} (ids {@code P-*}), named {@code required_<ID>_...} or
 * {@code optional_<ID>_...} after the rule's {@link Level}; the kit's own tests prove the mapping.
 */
public enum Rule {

    // ---------------------------------------------------------------- storage (EventStore)
    S_EMPTY_01(Level.REQUIRED,
            "A store that was never written is empty: head 0, no events, countAfter 0, and a non-blank backendId.",
            "The engine never creates stores explicitly; the first push to a new store must see the root.",
            "the head of an unknown store (must be 0, not an exception)",
            "the backendId of an unknown store (derive it, see BackendIds)"),
    S_EMPTY_02(Level.REQUIRED,
            "Reads of a store that was never written (head, backendId, read, countAfter) create nothing: stores() does not list it, its backendId is the same on every call, and its first append keeps that backendId.",
            "Anyone may pull any store id: a read that creates a store lets unauthenticated pulls fill the storage, and a backendId that changes at creation breaks the client that pulled the empty store first.",
            "reads that insert a row or an entry (computeIfAbsent, INSERT ... ON CONFLICT in a read path)",
            "that the backendId of a store not written yet is derived (BackendIds.forNewStore), not random per call",
            "that the first append creates the store with that same backendId"),
    S_APPEND_01(Level.REQUIRED,
            "An append whose expectedHead is the head is accepted: it returns Appended(last seqNum), the head moves to it and the events are readable.",
            "This is the only way a log grows; the engine acks the client with the head it returns.",
            "the value returned in Appended (the batch's last seqNum, not its size)",
            "the head after the append"),
    S_APPEND_02(Level.REQUIRED,
            "An append whose expectedHead is below the head (stale) is refused with HeadMismatch(actual head) and appends nothing.",
            "Two server nodes (or a retry racing a new push) can append at the same head; only one may win.",
            "the head comparison inside the atomic step (compare-and-set, row lock, unique constraint)",
            "that HeadMismatch reports the head of the store, not the expected one"),
    S_APPEND_03(Level.REQUIRED,
            "An append whose expectedHead is above the head (ahead) is refused with HeadMismatch(actual head) and appends nothing.",
            "A client that claims history the store does not have must not create a gap of unknown events.",
            "that the check is an equality, not 'expectedHead >= head'"),
    S_ATOMIC_01(Level.REQUIRED,
            "An append that fails part-way (an exception while taking the batch) throws and leaves nothing behind: head, reads and counts are unchanged and the next append at the old head succeeds.",
            "A half-written batch breaks the chain of parentSeqNums and makes every later push of that client fail.",
            "that the whole batch is written in one transaction or one atomic swap",
            "that a failure rolls back events already written"),
    S_READ_01(Level.REQUIRED,
            "read(after, limit) returns exactly the events with seqNum > after, ascending, at most limit, each equal to the appended event with its accept time.",
            "Pull pages are built from read; an order or cursor error reaches every client.",
            "the comparison in the query (seqNum > after, not >=)",
            "ORDER BY seqNum",
            "the precision of the stored accept time (milliseconds must survive)"),
    S_READ_02(Level.REQUIRED,
            "Reading page by page, each page starting after the last seqNum of the previous one, yields every event exactly once, whatever the page size and the start cursor (also inside gaps).",
            "The engine pages pulls this way; a duplicate or a hole at a page boundary corrupts clients.",
            "limit handling and off-by-one errors at page boundaries",
            "cursors that fall between two seqNums (gaps)"),
    S_COUNT_01(Level.REQUIRED,
            "countAfter(after) is the exact number of events with seqNum > after, for every after (0, inside gaps, at and beyond the head).",
            "It is the 'remaining' clients show as sync progress and use to decide when the initial sync is done.",
            "the comparison (> not >=) and counting rows rather than seqNum differences (gaps are allowed)"),
    S_ARGS_01(Level.REQUIRED,
            "args come back byte for byte as appended (unicode, escapes, whitespace, number spellings, nesting, large values) and absent args stay absent.",
            "LiveStore clients compare events after a round trip; a re-encoded args makes them see a conflict.",
            "that args is stored as text (not parsed and re-serialised, not a JSON column that normalises)",
            "the column's character set (must be full UTF-8, including 4-byte characters)",
            "that absent args is stored as NULL, not as the text 'null'"),
    S_TEXT_01(Level.REQUIRED,
            "Every field of an event comes back byte for byte: name, clientId and sessionId in every plane of Unicode (4-byte characters, combining marks, control characters other than NUL, long values), seqNums up to 2^53-1, and args whose strings hold escaped NUL and lone-surrogate escapes.",
            "The push rules admit exactly this text (README, input policy); a storage that rewrites it (to '?', to U+FFFD, or fails on it) makes the identical retry a conflict or makes the store unwritable.",
            "the column types and character sets (full UTF-8 with 4-byte characters; binary collation)",
            "that args is text, not a JSON type (PostgreSQL jsonb refuses \\u0000 and normalises the rest)",
            "64-bit integer columns for seqNum and parentSeqNum"),
    S_BACKENDID_01(Level.REQUIRED,
            "A store's backendId is non-blank, the same on every call, and different between stores.",
            "Clients detect a forgotten history by a changed backendId; an unstable id makes every client reset.",
            "that the backendId is created once (and persisted) rather than on each call",
            "its randomness (at least 64 bits)"),
    S_RESET_01(Level.REQUIRED,
            "reset(store) empties the store and gives it a new backendId; other stores are untouched.",
            "Operators reset stores; clients must notice through the new backendId.",
            "that reset deletes events and replaces the backendId in one step",
            "that reset is scoped to its store"),
    S_DELETE_01(Level.REQUIRED,
            "delete(store) removes the store's events and backendId: it leaves stores(), reads as empty, and its next use starts a new store with a new backendId; other stores are untouched; deleting an unknown store changes nothing.",
            "Operators delete stores left behind by tests and mistakes; a half-deleted store would come back with old events under a new backendId.",
            "that delete removes the events and the store's row (or entry) in one step",
            "that the next use after a delete creates a fresh backendId rather than reviving the old one",
            "that delete is scoped to its store"),
    S_ISO_01(Level.REQUIRED,
            "Stores are independent: appends, heads, counts and resets of one store are invisible in another, including stores whose ids share a prefix.",
            "Many apps share one server; one store leaking into another is a data breach.",
            "every query's store predicate (WHERE store_id = ?)",
            "prefix matches (LIKE) on store ids"),
    S_LARGE_01(Level.REQUIRED,
            "Large batches are stored whole: 1 000 small events in one append, and 60 events of 120 000 bytes of args in batches of 6.",
            "LiveStore clients send up to 100 events / 900 kB per push, and servers page them back out.",
            "statement parameter limits (split inserts inside one transaction)",
            "column sizes for args (use a text type without a small limit)"),
    S_CONC_01(Level.REQUIRED,
            "Concurrent appenders racing at the same head: exactly one wins per head, every loser gets HeadMismatch, and the log is the winners' batches, chained.",
            "Several server nodes share one database; correctness must come from the storage, not from in-process locks.",
            "that the head check and the insert are one atomic step (SELECT ... FOR UPDATE, a unique key on (store, seqNum), compare-and-set)",
            "isolation level and retry handling of serialisation failures"),
    S_CONC_02(Level.REQUIRED,
            "While appends run, every read sees a prefix of the final log that ends at a batch boundary: never part of a batch.",
            "A pull that sees half a batch delivers a page whose events the client cannot apply atomically.",
            "that readers read committed data only (transaction isolation, publication of the new snapshot after the whole batch)"),
    S_DURABLE_01(Level.REQUIRED,
            "After close and reopen, every appended event (args byte for byte), the head and the backendId are unchanged.",
            "A restart must not make clients reset (backendId) or lose acknowledged events.",
            "that commits are durable before append returns",
            "that the backendId is persisted, not regenerated at start"),
    S_HIST_01(Level.REQUIRED,
            "Random histories of appends (at, below and above the head, failing part-way), reads, counts and resets over several stores agree with a simple model of the contract.",
            "Example tests miss combinations; a seeded property finds them and shrinks them to a minimal history.",
            "the minimal history in the message: replay it with the printed seed"),

    // ---------------------------------------------------------------- protocol (SyncBackend), LiveStore suite
    P_LS_01(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A client can be created for a store: it names that store and declares its capabilities (LiveStore suite: can create sync backend).",
            "Every other rule starts here.",
            "the provider's server fixture and its client factory"),
    P_LS_02(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "ping completes normally (LiveStore suite: can ping sync backend).",
            "LiveStore pings to detect dead connections.",
            "the ping round trip and its error mapping"),
    P_LS_03(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "After connect completes the state is CONNECTED, and a state listener is called at once with the current state (LiveStore suite: can connect).",
            "LiveStore waits for isConnected before pushing.",
            "connection state bookkeeping and the listener's initial call"),
    P_LS_04(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A non-live pull of an empty store yields exactly one page: no events, NoMore, the store's backendId (LiveStore suite: can pull events).",
            "LiveStore's blocking initial sync waits for NoMore; without that page it never starts.",
            "that an empty backlog still emits one page",
            "that the pull completes after the NoMore page"),
    P_LS_05(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A live pull of an empty store first yields an empty NoMore page and stays open (LiveStore suite: live pull needs to return a no-more page info).",
            "The client leaves its initial sync on that page.",
            "the switch from backlog to live when the backlog is empty"),
    P_LS_06(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A live pull that stayed idle still delivers an event pushed later, in a NoMore page (LiveStore suite: survives idle and receives later event).",
            "Idle connections must not be dropped silently.",
            "idle timeouts, keep-alives and subscriber registration"),
    P_LS_07(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A pull whose cursor is the last event yields exactly one empty NoMore page (LiveStore suite: can pull with cursor).",
            "Clients resume from their last event on every start.",
            "the cursor comparison (seqNum > cursor)"),
    P_LS_08(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "Eight clients pushing seqNum 1 on parent 0 at once: exactly one is acked, seven get ServerAhead(1, 0), and the store holds one event (LiveStore suite: serialized admission).",
            "Concurrent clients must be totally ordered; two winners fork the history.",
            "per-store admission and the storage's conditional append"),
    P_LS_09(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "60 events with 120 000-byte args, pushed 6 per batch, all come back from a non-live pull, in order and byte for byte (LiveStore suite: dozens of extremely large batches).",
            "Real apps sync images and documents as events.",
            "maxPullBytes paging (a large event alone in its page)",
            "frame and buffer size limits of the transport"),
    P_LS_10(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "1 800 events of 1 KiB, pushed 90 per batch, all come back in order, over more than one non-empty page (LiveStore suite: thousands of small batches).",
            "Initial syncs of big stores must page.",
            "maxPullEvents paging and the remaining count"),
    P_LS_11(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "Seeded batch shapes over the payload limits (few large or many small events, at least 1 MB in total) all come back in order (LiveStore suite: batch variations over provider payload limits).",
            "Limits interact with batch sizes in ways fixed examples miss.",
            "paging by bytes and by events together"),
    P_LS_12(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "After two single-event pushes a non-live pull returns both events (LiveStore suite: non-live pull returns multiple events).",
            "Events of different pushes must be served by one pull.",
            "reading across batch boundaries"),
    P_LS_13(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A client that reconnects (a new client resuming a live pull from its last cursor) receives every event pushed meanwhile and later, once each (LiveStore suite: can reconnect).",
            "Mobile clients reconnect all the time; a lost or repeated event corrupts them.",
            "that closing a client ends its pulls and frees its subscribers",
            "cursor handling of the resumed pull"),
    P_LS_14(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "Every backlog page says exactly what follows it: MoreKnown(remaining) with the exact number of events after the page, NoMore on the last one (LiveStore suite: remaining field works correctly).",
            "Clients show sync progress from remaining and trust pageInfoKnown.",
            "that remaining counts the events after the page, not including it",
            "that supports().pageInfoKnown() is false if remaining is not exact"),
    P_LS_15(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A push starting at seqNum 100 on parent 0 (a gap) is accepted, and cancelling a pull after a few pages stops it (LiveStore suite: remaining field with limited take).",
            "LiveStore clients may start anywhere and stop reading early.",
            "that gaps are accepted", "that cancel() stops deliveries"),
    P_LS_16(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "10 000 events from seqNum 20 000 (parent 0) come back in order from a full pull, and a pull from a middle cursor returns exactly the later ones (LiveStore suite: large batch pagination).",
            "Large stores and numbering that does not start at 1 are normal.",
            "paging over many pages and cursors far from 0"),
    P_LS_17(Level.REQUIRED, Profile.LIVESTORE,
            "ported from LiveStore's provider suite (tests/sync-provider, v0.4.0), which sync-cf 0.4.0 is tested against",
            "A backendId mismatch is reported as BackendIdMismatch with expected (the store's) and received (the client's), and it survives the JSON codec with both fields (LiveStore suite: BackendIdMismatchError serializes correctly).",
            "The client resets on this error; without its fields it cannot (LiveStore issue #981).",
            "the error mapping of the transport and the codec"),

    // ---------------------------------------------------------------- protocol, beyond the LiveStore suite
    P_PUSH_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts answers ServerAheadError{minimumExpectedNum: currentHead, providedNum: batch[0].parentSeqNum} for any other parent",
            "A push whose first parentSeqNum is not the head (stale or ahead) fails with ServerAhead(minimumExpectedNum = head, providedNum = that parent) and appends nothing.",
            "The client rebases on these exact numbers; a wrong head makes it loop or fork.",
            "which numbers go into which field (LiveStore's meanings)",
            "that the check happens inside the storage's conditional append"),
    P_PUSH_02(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts appends inside blockConcurrencyWhile before it acks, and do/pull.ts reads the committed events",
            "An acked push reports Appended with the batch's last seqNum as head, and every later pull, from any client, returns its events (read-your-writes).",
            "The next push of the client starts from that head.",
            "that the ack comes after the append committed"),
    P_PUSH_03(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf 0.4.0 does not check the shape of a batch (do/push.ts only compares batch[0].parentSeqNum with the head)",
            "A malformed batch (not chained, seqNum not above parentSeqNum) fails with InvalidBatch naming the offending index, and appends nothing.",
            "A broken client must get an actionable answer and must not corrupt the log.",
            "PushRules.checkShape and the order of validation"),
    P_PUSH_04(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts acks an empty batch with PushAck and changes nothing",
            "An empty push is acked (Empty with the current head) and changes nothing.",
            "Clients may flush empty queues.",
            "the empty-batch short cut"),
    P_PUSH_05(Level.OPTIONAL, Profile.EVENTSYNC,
            "beyond LiveStore: sync-cf answers a retried batch with ServerAheadError",
            "Pushing again exactly the batch that was last acked (a retry after a lost ack) is acked as AlreadyApplied and appends nothing.",
            "Beyond LiveStore: without it a client whose ack was lost gets ServerAhead for its own events.",
            "PushRules.isRetryOf and reading the existing events at those seqNums"),
    P_BID_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts answers BackendIdMismatchError{expected, received} when the push carries another backendId",
            "A push with a backendId other than the store's fails with BackendIdMismatch(expected = store's, received = sent) and appends nothing; the right backendId is accepted.",
            "Pushing onto a history the server forgot would fork it.",
            "that the backendId sent with the push is compared at all"),
    P_BID_02(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/pull.ts answers BackendIdMismatchError for a cursor with another backendId and puts the store's backendId in every PullResponse",
            "A pull whose cursor carries another backendId fails with BackendIdMismatch; every page of every pull carries the store's backendId.",
            "Clients detect a reset store on pull and store the backendId from pages.",
            "the cursor's backendId check", "the backendId put into pages"),
    P_LIMIT_01(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf 0.4.0 enforces no push limit on the server (MAX_PUSH_EVENTS_PER_REQUEST in common/constants.ts only sizes the client's batches)",
            "A push over maxPushEvents or maxPushBytes fails with LimitExceeded naming the limit, and appends nothing; a push at the limits is accepted.",
            "Limits protect the server; their errors must be actionable and must not lose data silently.",
            "the limits the provider declares (override limits() in the kit)",
            "byte counting of the encoded events"),
    P_LIMIT_02(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/pull.ts splits pages with splitChunkBySize at MAX_PULL_EVENTS_PER_MESSAGE (100) and MAX_WS_MESSAGE_BYTES (900 000)",
            "Every pull page has at most maxPullEvents events and at most maxPullBytes encoded bytes, unless a single larger event travels alone.",
            "Clients and transports have frame limits.",
            "page assembly by events and by bytes"),
    P_CURSOR_01(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf do/pull.ts reads whatever follows any cursor and refuses none (a cursor beyond the head gets an empty NoMore page)",
            "A pull whose cursor is negative or beyond the head fails with InvalidCursor.",
            "A cursor beyond the head means the client has history the server does not: it must not silently wait.",
            "cursor validation before reading"),
    P_GAP_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts only requires batch[0].parentSeqNum == head, and storage.getEvents reads seqNum > cursor",
            "Gaps between a batch's parent and its seqNums are accepted, and cursors inside a gap return the events after it.",
            "LiveStore numbers events on clients; gaps happen.",
            "that only batch[0].parentSeqNum == head is required, not seqNum == head + 1"),
    P_ISO_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf keeps one Durable Object per storeId (worker.ts routes by idFromName(storeId))",
            "Stores are independent through the protocol: pushes, heads, backendIds and live pulls of one store are invisible in another.",
            "One server serves many apps and users.",
            "store routing in the transport and the engine's per-store state"),
    P_LIVE_01(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf registers a live pull for broadcasts separately from its backlog read (do/pull.ts, do/push.ts), with no promise across the switch",
            "A live pull opened while another client keeps pushing delivers every event exactly once, ascending, across the switch from backlog to live.",
            "The switch is where gaps and duplicates hide; clients cannot repair either.",
            "registering the live subscriber before the last backlog read, then skipping what was already delivered"),
    P_LIVE_02(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts broadcasts to every connected WebSocket, the pushing one included (\"as confirmation\")",
            "The pusher's own live pull receives the batches it pushed (the echo).",
            "LiveStore confirms local events only when they come back through pull; without the echo they stay pending.",
            "that the pusher's subscription is not excluded from fan-out"),
    P_LIVE_03(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf do/push.ts forks the broadcast and acks without waiting for it (\"Run in background but already return the push ack\")",
            "When a push is acked, every live pull that was caught up has been handed the batch: it arrives without waiting for any later push, within the kit's publish grace.",
            "The client pushes its next batch on the ack; a batch published after the ack can reach subscribers late or out of order.",
            "that fan-out happens before the ack completes, not on a timer or on the next push"),
    P_LIVE_04(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts sends every batch to every pull request id of every connected WebSocket, in push order",
            "Many live pulls of one store all receive the same gapless ascending stream.",
            "Every client of a store must converge on one order.",
            "fan-out to all subscribers", "per-subscriber ordering"),
    P_LIVE_05(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf has no per-subscriber buffer or catch-up reads; a slow WebSocket only buffers in the runtime",
            "A live pull that requests nothing for a while does not delay pushes, and when it requests again it receives every event since, gapless and ascending.",
            "A slow phone must neither stall the server nor lose events; it is moved back to catch-up reads.",
            "bounded per-subscriber buffers and the switch back to catch-up reads"),
    P_FLOW_01(Level.REQUIRED, Profile.LIVESTORE,
            "the Java client's Reactive Streams contract; sync-cf honours the Interrupt a cancel sends (durable-object.ts)",
            "A pull publisher honours Reactive Streams demand: never more pages than requested, and nothing after cancel or after a terminal signal.",
            "Transports rely on demand for back-pressure.",
            "the demand counter and the cancelled flag of the subscription"),
    P_NODE_01(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf runs one Durable Object per store; several nodes over one storage are Eventsync's deployment",
            "Two server nodes over one storage behave as one server: concurrent pushes through both nodes have one winner per head, live pulls on one node receive batches accepted by the other, and concurrent histories spread over both nodes agree with the oracle.",
            "Production runs several stateless nodes behind a load balancer; order must come from the storage's conditional append and live delivery from its change feed.",
            "that the head check happens in the storage, not in a per-node lock",
            "the change feed (for example PostgreSQL LISTEN/NOTIFY) and the resync after a missed notification"),
    P_AUTH_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf worker.ts runs the deployment's validatePayload on every sync request (each HTTP call, each WebSocket upgrade) and answers a throw with HTTP 400 and its message, so a deployment that checks authToken refuses every unauthenticated call; the typed Unauthorized (HTTP 401/403) is Eventsync's, so profile livestore accepts any error",
            "Without credentials or with wrong ones, every call is refused, on every transport: a push (nothing is appended), a non-live pull and a live pull (no event is revealed). Profile eventsync: refused with Unauthorized; profile livestore: with an error.",
            "A server that checks credentials on one kind of call only leaks or corrupts data through the others.",
            "that authentication runs for pushes and for pulls, live pulls included, on each transport (HTTP checks every request, WebSocket its upgrade)",
            "that a refused push appends nothing and a refused pull delivers no page",
            "the credentials the kit was given (certify --auth-token, or the kit's credentials() hook)"),
    P_AUTH_02(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf passes the storeId to validatePayload (ValidatePayloadContext), so a deployment can scope a credential to stores",
            "A credential scoped to one store can push to and pull from that store only: every push, pull and live pull of another store, one whose id shares a prefix included, is refused (profile eventsync: with Unauthorized; livestore: with an error) and changes nothing.",
            "Apps hand each user a token for their own store; a token that opens every store is a data breach.",
            "that the authorisation compares the credential's stores with the request's storeId exactly (no prefix match)",
            "that pulls are authorised, not only pushes"),
    P_META_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts stamps each batch with createdAt = new Date().toISOString() (UTC, milliseconds) before it appends, and pulls return it as SyncMessage.SyncMetadata",
            "Every pulled event carries its accept time (createdAt, ISO-8601 UTC, millisecond precision): present, at or after the moment its push was sent and at or before its ack, never before the previous event's, and the same on every later pull and on live pages.",
            "LiveStore apps show and sort by the server's time; a missing, coarse or moving timestamp corrupts them.",
            "that the accept time is stored with the event, not computed at read time",
            "the precision of the stored time (milliseconds must survive; whole seconds are not enough)",
            "that metadata is sent as Some(SyncMetadata{createdAt}) and not None"),
    P_ID_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf addresses a Durable Object by idFromName(storeId), so ids are compared exactly",
            "Store ids are exact and case-sensitive: ids that differ only in case, by a trailing character or as prefix and extension, and the longest id allowed, are distinct stores with their own events, heads and backendIds.",
            "A store resolved case-insensitively or by prefix mixes two apps' data.",
            "collations of the store id column (case-insensitive by default in MariaDB/MySQL)",
            "trimming, truncation or prefix matches (LIKE) of store ids"),
    P_RESET_01(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf 0.4.0 offers no way to reset or delete a store; resetting is an Eventsync operation (SyncEngine.resetStore, the admin API)",
            "Resetting a store empties it and gives it a backendId never used before, on every reset; the old backendId is refused on push and on pull; every other store, ids that share a prefix or differ in case included, keeps its events, head and backendId.",
            "Clients notice a forgotten history only by a new backendId; a reused one makes them push onto a history that is gone.",
            "that reset replaces the backendId with a fresh random one (not a counter, not the previous one)",
            "that reset deletes only its own store (no prefix or case-insensitive match)"),
    P_FIELD_01(Level.REQUIRED, Profile.LIVESTORE,
            "LiveStore events are compared by their fields after a round trip (sync-cf stores name, args, clientId and sessionId as given)",
            "name, clientId and sessionId of any length from 1 to 1 000 characters and any characters (quotes, backslashes, control characters, non-ASCII and 4-byte characters, mixed case, NFD and compatibility forms, leading, trailing and inner white space and tabs, right-to-left text, zero-width joiners) come back exactly, never case-folded, Unicode-normalised, trimmed or collapsed, and args of any JSON type and size come back as equal JSON.",
            "A client whose own events come back changed sees them as foreign and rebases forever.",
            "column sizes and character sets of name, client_id and session_id (full UTF-8, 4-byte characters)",
            "no lower-casing, Unicode normalisation (NFC, NFKC), trimming or white-space collapsing of text fields (case-insensitive collations included)",
            "escaping in the JSON encoder and decoder"),
    P_FIELD_02(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf parses args into JavaScript values and re-encodes them, so only equal JSON is promised there; byte-exact args are Eventsync's promise",
            "args come back byte for byte as pushed: whitespace, key order, number spellings (1.0, 1e3, -0), escapes (\\u00e9 and é), and absent args stay absent.",
            "Eventsync stores args as opaque JSON text; clients that hash or sign events depend on the exact bytes.",
            "that args is stored as text, never parsed and re-serialised",
            "that absent args is not turned into null"),
    P_SEQ_01(Level.REQUIRED, Profile.LIVESTORE,
            "LiveStore seqNums are JavaScript safe integers (EventSequenceNumber in @livestore/common), up to 2^53 - 1",
            "seqNums beyond 32 bits, up to 2^53 - 1 (JavaScript's largest safe integer), are accepted, come back exactly, and work as cursors and in ServerAhead.",
            "A store numbered from a large offset must not wrap or lose precision.",
            "integer column and field types (64-bit, not int)",
            "JSON decoding of large numbers (no double rounding)"),
    P_ATOMIC_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts appends a batch in one storage call inside blockConcurrencyWhile, so no pull can read a part of it",
            "Readers running while other clients append large batches (the push limit, up to 100 events) never see part of a batch: every completed non-live pull ends at the end of an acked batch, and every live pull sees whole batches.",
            "A client that applies half a batch holds a state no other client ever had.",
            "that a batch is committed in one transaction and that readers see committed data only",
            "that live pages are published after the whole batch is appended"),
    P_COUNT_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/pull.ts counts the events after the cursor (storage.getEvents returns the total) and counts down per page",
            "remaining is exact on a store of more than 10 000 events: every page of a full pull and of pulls from cursors in the middle and near the end says exactly how many events follow it.",
            "Clients show sync progress from remaining; an estimate or a capped count makes progress jump or stall.",
            "counting rows after the cursor exactly (no estimates, no LIMIT-capped counts)",
            "seqNum gaps: count rows, do not subtract seqNums"),
    P_ORDER_01(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/push.ts checks the backendId before the head, and do/pull.ts the cursor's backendId before reading",
            "The backendId is checked before the head: a push with a wrong backendId on a stale parent gets BackendIdMismatch (not ServerAhead), and a pull with a wrong backendId from beyond the head gets BackendIdMismatch.",
            "A client that pushes to a reset store must learn about the reset, not rebase onto a history it does not share.",
            "the order of validation (PROTOCOL.md: authentication, limits, shape, backendId, head)"),
    P_ORDER_02(Level.REQUIRED, Profile.EVENTSYNC,
            "sync-cf 0.4.0 checks neither limits nor shape; the order limits, shape, backendId is Eventsync's (PROTOCOL.md)",
            "Push validation follows the protocol's order: limits before shape (an over-long malformed batch gets LimitExceeded) and shape before backendId (a malformed batch with a wrong backendId gets InvalidBatch).",
            "The first failure is the answer; a client acts on it, so it must be the same on every server.",
            "the order of validation (PROTOCOL.md: authentication, limits, shape, backendId, head)"),
    P_CURSOR_02(Level.REQUIRED, Profile.EVENTSYNC,
            "like P-CURSOR-01: sync-cf refuses no cursor",
            "A pull of an empty store from a cursor beyond its head (1, and far beyond) fails with InvalidCursor.",
            "A client that claims history on a store that was emptied must hear so, not wait forever.",
            "that the beyond-the-head check also runs when the store is empty (head 0)"),
    P_LIVE_06(Level.REQUIRED, Profile.LIVESTORE,
            "sync-cf do/pull.ts emits one empty NoMore response when nothing follows the cursor (emitIfEmpty), and the WebSocket pull stays registered for broadcasts",
            "A live pull resuming exactly at the head gets exactly one empty NoMore page, stays open, and then delivers the next batch.",
            "Every LiveStore client restarts this way; without the page it never leaves its initial sync, and a closed stream loses its updates.",
            "the empty backlog case when the cursor is the head (not only the root)",
            "that the live subscription is registered even when the backlog is empty"),
    P_IDLE_01(Level.REQUIRED, Profile.LIVESTORE,
            "LiveStore's provider suite requires a live pull that survives idle; deployments sit behind proxies with idle timeouts around 60 s",
            "Live pulls of several clients stay open through a long idle (the kit's longIdle(): 3 s in the fast tier, 70 s in the thorough tier): afterwards a push reaches every one of them, and each idle client can still ping and push.",
            "Proxies and servers close connections that are quiet for about a minute; a client that silently stops receiving never converges.",
            "idle timeouts of the server and proxies, and keep-alive pings",
            "that subscribers are not expired for inactivity"),
    P_CLIENT_01(Level.REQUIRED, Profile.LIVESTORE,
            "LiveStore's SyncBackend is scoped: closing its scope interrupts its pulls (sync-cf client/transport)",
            "close() ends the client's live and unfinished pulls with a terminal signal within the timeout, and every later push, ping and pull fails.",
            "An application that closes a client must not keep receiving events or leak subscriptions.",
            "that close() signals onError or onComplete to every open pull",
            "that calls after close() fail instead of hanging"),
    P_CLIENT_02(Level.REQUIRED, Profile.LIVESTORE,
            "LiveStore's SyncBackend exposes isConnected as a subscribable ref that follows every change",
            "A connection-state listener sees every transition: the current state at once, CONNECTED once connected, and CLOSED after close() (as connectionState() says); after its handle is closed it is called no more.",
            "Apps show online/offline from these states; a missed CLOSED leaves them showing a dead connection as live.",
            "that close() sets CLOSED and notifies every listener",
            "that closing a listener's handle unregisters it"),
    P_HIST_01(Level.REQUIRED, Profile.LIVESTORE,
            "the promises it checks (one order, ServerAhead with the head of its moment, read-your-writes, gapless live streams) are those of sync-cf do/push.ts and do/pull.ts",
            "Random concurrent histories of several clients (pushes that extend or go stale, pulls from random cursors, live pulls opening and closing) agree with the oracle: acked pushes exactly once and in order, rejected pushes leave nothing, every reader sees a prefix of one order, every ServerAhead carries a head of its moment, every live pull sees a gapless ascending stream.",
            "Bugs of concurrent systems live in interleavings; a seeded property explores them and shrinks the failure.",
            "the violation named in brackets and the minimal history; replay it with the printed seed");

    /**
     * Which promise a rule checks. {@link #LIVESTORE}: what LiveStore's own server ({@code @livestore/sync-cf}
     * 0.4.0) and its provider suite promise a client; {@link #EVENTSYNC}: Eventsync's stricter promises, which
     * include every LIVESTORE rule. Certifying a profile runs its rules and skips the others with the reason.
     */
    public enum Profile {
        LIVESTORE, EVENTSYNC;

        /** Whether certifying this profile runs {@code rule}. */
        public boolean includes(Rule rule) {
            return this == EVENTSYNC || rule.profile() == LIVESTORE;
        }

        /** The lower-case name used on the command line and in reports. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** {@code livestore} or {@code eventsync}, in any case. */
        public static Profile parse(String value) {
            for (Profile p : values()) {
                if (p.name().equalsIgnoreCase(value.trim())) {
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown profile '" + value + "'; use livestore or eventsync");
        }
    }

    /** Whether failing the rule fails certification. */
    public enum Level {
        /** Failing it fails certification. */
        REQUIRED,
        /** Reported, but failing it does not fail certification. */
        OPTIONAL
    }

    /** Which kit verifies the rule. */
    public enum Kit {
        STORAGE, PROTOCOL
    }

    private final Level level;
    private final Profile profile;
    private final String profileBasis;
    private final String statement;
    private final String why;
    private final List<String> hints;

    /** A rule of the storage SPI, which is Eventsync's own: profile EVENTSYNC. */
    Rule(Level level, String statement, String why, String... hints) {
        this(level, Profile.EVENTSYNC, "the storage SPI (EventStore) is Eventsync's own; LiveStore has none", statement,
                why, hints);
    }

    Rule(Level level, Profile profile, String profileBasis, String statement, String why, String... hints) {
        this.level = level;
        this.profile = profile;
        this.profileBasis = profileBasis;
        this.statement = statement;
        this.why = why;
        this.hints = List.of(hints);
    }

    /** The stable id, for example {@code S-APPEND-02}. */
    public String id() {
        return name().replace('_', '-');
    }

    public Level level() {
        return level;
    }

    /** The promise the rule checks. */
    public Profile profile() {
        return profile;
    }

    /** Why the rule has its profile: what LiveStore's source (tag v0.4.0) does. */
    public String profileBasis() {
        return profileBasis;
    }

    public Kit kit() {
        return name().startsWith("S_") ? Kit.STORAGE : Kit.PROTOCOL;
    }

    public String statement() {
        return statement;
    }

    public String why() {
        return why;
    }

    public List<String> hints() {
        return hints;
    }

    /** The prefix every verifying test method's name starts with, for example {@code required_S_APPEND_02_}. */
    public String methodPrefix() {
        return level.name().toLowerCase(Locale.ROOT) + "_" + name() + "_";
    }

    /** The rule a kit test method verifies, from its name. */
    public static Optional<Rule> ofMethodName(String methodName) {
        for (Rule rule : values()) {
            if (methodName.startsWith(rule.methodPrefix())) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }

    /** The rules of one kit, in catalogue order. */
    public static List<Rule> of(Kit kit) {
        return java.util.Arrays.stream(values()).filter(r -> r.kit() == kit).toList();
    }
}
