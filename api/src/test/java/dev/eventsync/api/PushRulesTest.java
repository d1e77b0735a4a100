package dev.eventsync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PushRulesTest {

    private static Event e(long seq, long parent) {
        return Event.of("todoCreated-v1", "{\"id\":" + seq + "}", seq, parent, "client", "session");
    }

    @Test
    void limitsCountEventsAndEncodedBytes() {
        SyncLimits limits = SyncLimits.defaults().withMaxPushEvents(2).withMaxPushBytes(300);
        assertThat(PushRules.checkLimits(List.of(e(1, 0), e(2, 1)), limits)).isEmpty();
        assertThat(PushRules.checkLimits(List.of(e(1, 0), e(2, 1), e(3, 2)), limits))
                .contains(new SyncError.LimitExceeded("maxPushEvents", 2, 3));
        Event big = Event.of("n", "\"" + "x".repeat(400) + "\"", 1, 0, "c", "s");
        assertThat(PushRules.checkLimits(List.of(big), limits)).hasValueSatisfying(error -> {
            SyncError.LimitExceeded exceeded = (SyncError.LimitExceeded) error;
            assertThat(exceeded.limit()).isEqualTo("maxPushBytes");
            assertThat(exceeded.allowed()).isEqualTo(300);
            assertThat(exceeded.actual()).isGreaterThan(400);
        });
    }

    @Test
    void defaultLimitsAcceptWhatLiveStoreSends() {
        List<Event> hundred = new java.util.ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            hundred.add(Event.of("e", "\"" + "x".repeat(8_000) + "\"", i, i - 1, "c", "s"));
        }
        assertThat(PushRules.checkLimits(hundred, SyncLimits.DEFAULTS)).isEmpty();
    }

    @Test
    void shapeRequiresWellFormedChainedAscendingEvents() {
        assertThat(PushRules.checkShape(List.of(e(1, 0), e(2, 1), e(7, 2)))).isEmpty();
        assertThat(PushRules.checkShape(List.of(e(1, 0), e(3, 2)))).hasValueSatisfying(err ->
                assertThat(err).isInstanceOfSatisfying(SyncError.InvalidBatch.class, b -> {
                    assertThat(b.index()).isEqualTo(1);
                    assertThat(b.reason()).contains("does not chain");
                }));
        assertThat(PushRules.checkShape(List.of(e(1, 1)))).hasValueSatisfying(err ->
                assertThat(((SyncError.InvalidBatch) err).reason()).contains("greater than parentSeqNum"));
        assertThat(PushRules.checkShape(List.of(e(-1, -2)))).hasValueSatisfying(err ->
                assertThat(((SyncError.InvalidBatch) err).reason()).contains("non-negative"));
        assertThat(PushRules.checkShape(List.of(Event.of(" ", null, 1, 0, "c", "s")))).isPresent();
        assertThat(PushRules.checkShape(List.of(Event.of("n", null, 1, 0, "", "s")))).isPresent();
        assertThat(PushRules.checkShape(List.of(Event.of("n", null, 1, 0, "c", "")))).isPresent();
        assertThat(PushRules.checkShape(List.of(Event.of("n", "[1,", 1, 0, "c", "s")))).hasValueSatisfying(err ->
                assertThat(((SyncError.InvalidBatch) err).reason()).contains("args is not valid JSON"));
        assertThat(PushRules.checkShape(List.of(Event.of("n", "1 2", 1, 0, "c", "s")))).isPresent();
    }

    @Test
    void backendIdIsCheckedOnlyWhenTheClientSentOne() {
        assertThat(PushRules.checkBackendId(Optional.empty(), "abc")).isEmpty();
        assertThat(PushRules.checkBackendId(Optional.of("abc"), "abc")).isEmpty();
        assertThat(PushRules.checkBackendId(Optional.of("old"), "abc"))
                .contains(new SyncError.BackendIdMismatch("abc", "old"));
    }

    @Test
    void headCheckReportsHeadAsMinimumExpectedAndParentAsProvided() {
        assertThat(PushRules.checkHead(List.of(e(6, 5)), 5)).isEmpty();
        assertThat(PushRules.checkHead(List.of(e(100, 5)), 5)).as("gaps are accepted").isEmpty();
        assertThat(PushRules.checkHead(List.of(e(4, 3)), 5)).contains(new SyncError.ServerAhead(5, 3));
        assertThat(PushRules.checkHead(List.of(e(9, 8)), 5)).contains(new SyncError.ServerAhead(5, 8));
        assertThat(PushRules.checkHead(List.of(), 5)).isEmpty();
    }

    @Test
    void theStepsApplyInProtocolOrder() {
        SyncLimits limits = SyncLimits.defaults().withMaxPushEvents(1);
        PushRules.LogReader noLog = (after, limit) -> List.of();
        // too many AND unchained AND wrong backendId AND stale: limits win, then shape
        List<Event> bad = List.of(e(1, 0), e(5, 4));
        assertThat(PushRules.checkBatch(bad, limits)).containsInstanceOf(SyncError.LimitExceeded.class);
        assertThat(PushRules.checkBatch(bad, SyncLimits.DEFAULTS)).containsInstanceOf(SyncError.InvalidBatch.class);
        // wrong backendId AND stale: the backendId wins
        assertThat(PushRules.decide(List.of(e(1, 0)), Optional.of("x"), "y", 9, noLog))
                .isEqualTo(new PushRules.Decision.Refuse(new SyncError.BackendIdMismatch("y", "x")));
        assertThat(PushRules.decide(List.of(e(1, 0)), Optional.of("y"), "y", 9, noLog))
                .isEqualTo(new PushRules.Decision.Refuse(new SyncError.ServerAhead(9, 0)));
        assertThat(PushRules.decide(List.of(e(10, 9)), Optional.of("y"), "y", 9, noLog))
                .isEqualTo(new PushRules.Decision.Append());
        assertThat(PushRules.extendsHead(List.of(e(10, 9)), Optional.of("y"), "y", 9)).isTrue();
        assertThat(PushRules.extendsHead(List.of(e(10, 9)), Optional.of("x"), "y", 9)).isFalse();
        assertThat(PushRules.extendsHead(List.of(e(8, 7)), Optional.empty(), "y", 9)).isFalse();
    }

    @Test
    void decideRecognisesARetryOnlyBelowTheHeadAndReadsTheLogOnlyThen() {
        Instant t = Instant.parse("2024-01-01T00:00:00Z");
        List<StoredEvent> log = List.of(new StoredEvent(e(1, 0), t), new StoredEvent(e(2, 1), t));
        int[] reads = {0};
        PushRules.LogReader reader = (after, limit) -> {
            reads[0]++;
            return log.stream().filter(s -> s.seqNum() > after).limit(limit).toList();
        };
        assertThat(PushRules.decide(List.of(e(1, 0), e(2, 1)), Optional.empty(), "b", 2, reader))
                .isEqualTo(new PushRules.Decision.AlreadyApplied(2));
        assertThat(PushRules.decide(List.of(e(2, 1)), Optional.empty(), "b", 2, reader))
                .as("a suffix of the log is a retry too").isEqualTo(new PushRules.Decision.AlreadyApplied(2));
        Event other = Event.of("todoCreated-v1", "{\"id\":99}", 2, 1, "client", "session");
        assertThat(PushRules.decide(List.of(other), Optional.empty(), "b", 2, reader))
                .isEqualTo(new PushRules.Decision.Refuse(new SyncError.ServerAhead(2, 1)));
        assertThat(reads[0]).isEqualTo(3);
        assertThat(PushRules.decide(List.of(e(3, 2)), Optional.empty(), "b", 2, reader))
                .isEqualTo(new PushRules.Decision.Append());
        assertThat(PushRules.decide(List.of(e(9, 8)), Optional.empty(), "b", 2, reader))
                .as("a parent above the head is never a retry")
                .isEqualTo(new PushRules.Decision.Refuse(new SyncError.ServerAhead(2, 8)));
        assertThat(reads[0]).as("no log read unless the parent is below the head").isEqualTo(3);
    }

    @Test
    void aRetryIsExactlyTheStoredEvents() {
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        List<StoredEvent> stored = List.of(new StoredEvent(e(1, 0), t), new StoredEvent(e(2, 1), t));
        assertThat(PushRules.isRetryOf(List.of(e(1, 0), e(2, 1)), stored)).isTrue();
        assertThat(PushRules.isRetryOf(List.of(e(1, 0)), stored)).isFalse();
        Event otherArgs = Event.of("todoCreated-v1", "{\"id\":99}", 1, 0, "client", "session");
        assertThat(PushRules.isRetryOf(List.of(otherArgs, e(2, 1)), stored)).isFalse();
        Event otherClient = Event.of("todoCreated-v1", "{\"id\":1}", 1, 0, "other", "session");
        assertThat(PushRules.isRetryOf(List.of(otherClient, e(2, 1)), stored)).isFalse();
        assertThat(PushRules.isRetryOf(List.of(), List.of())).isFalse();
    }

    @Test
    void storeIdsAreValidated() {
        assertThat(StoreId.of("a.b-c_D9").value()).isEqualTo("a.b-c_D9");
        assertThat(StoreId.of("x".repeat(256)).value()).hasSize(256);
        for (String bad : new String[] {"", "x".repeat(257), "a b", "a/b", "ü", "a?b"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> StoreId.of(bad))
                    .isInstanceOfSatisfying(SyncErrorException.class,
                            ex -> assertThat(ex.error()).isInstanceOf(SyncError.InvalidRequest.class));
        }
    }

    /** The input policy of the string fields: NUL and unpaired surrogates are refused, naming field and index. */
    @Test
    void stringFieldsRefuseNulAndUnpairedSurrogatesNamingTheFieldAndIndex() {
        String[] bad = {"a\u0000b", "v1.Note\ud800x", "x\udc00", "\ud83d", "end\ud83d"};
        for (String value : bad) {
            for (String field : List.of("name", "clientId", "sessionId")) {
                Event event = Event.of(field.equals("name") ? value : "n", "{}", 2, 1,
                        field.equals("clientId") ? value : "c", field.equals("sessionId") ? value : "s");
                assertThat(PushRules.checkShape(List.of(e(1, 0), event))).as("%s = %s", field, value)
                        .hasValueSatisfying(err -> assertThat(err).isInstanceOfSatisfying(SyncError.InvalidBatch.class,
                                b -> {
                                    assertThat(b.index()).isEqualTo(1);
                                    assertThat(b.reason()).startsWith(field + " contains");
                                }));
            }
        }
        String longest = "x".repeat(PushRules.MAX_TEXT_CHARS);
        assertThat(PushRules.checkShape(List.of(Event.of(longest, "{}", 1, 0, longest, longest)))).isEmpty();
        assertThat(PushRules.checkShape(List.of(Event.of("n", "{}", 1, 0, "c", longest + "y"))))
                .hasValueSatisfying(err -> assertThat(((SyncError.InvalidBatch) err).reason())
                        .startsWith("sessionId has 8193 characters"));
        // well-formed text of any plane is kept: pairs, emoji, combining marks, other control characters
        assertThat(PushRules.checkShape(List.of(Event.of("v1.Note\ud83d\ude00\u0301\u0001\uffff", "{}", 1, 0,
                "c\u00e9", "s\t")))).isEmpty();
    }

    @Test
    void argsMayEscapeAnythingButMustNotHoldUnpairedSurrogateCharacters() {
        // escapes are plain ASCII text in the raw args, kept byte for byte
        assertThat(PushRules.checkShape(List.of(Event.of("n", "{\"a\":\"\\u0000\\ud800\"}", 1, 0, "c", "s"))))
                .isEmpty();
        assertThat(PushRules.checkShape(List.of(Event.of("n", "\"x\ud800\"", 1, 0, "c", "s"))))
                .hasValueSatisfying(err -> assertThat(((SyncError.InvalidBatch) err).reason())
                        .contains("args contains an unpaired surrogate"));
    }

    /** LiveStore reads seqNums as JavaScript numbers: beyond 2^53-1 two values read as one. */
    @Test
    void seqNumsBeyondTheJavaScriptSafeRangeAreRefused() {
        long max = SeqNums.MAX_SAFE_INTEGER;
        assertThat(PushRules.checkShape(List.of(e(max, max - 1)))).isEmpty();
        for (long[] pair : new long[][] {{max + 1, max}, {max + 2, 0}, {Long.MAX_VALUE, 0}}) {
            assertThat(PushRules.checkShape(List.of(e(pair[0], pair[1])))).as("seqNum %d", pair[0])
                    .hasValueSatisfying(err -> assertThat(((SyncError.InvalidBatch) err).reason())
                            .contains("at most 2^53-1"));
        }
    }
}
