package dev.eventsync.tck.property;

import dev.eventsync.api.Event;
import dev.eventsync.api.StoreId;
import dev.eventsync.api.StoredEvent;
import dev.eventsync.spi.storage.AppendResult;
import dev.eventsync.spi.storage.EventStore;
import dev.eventsync.tck.Describe;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Sequential histories of storage operations and their oracle: a plain list per store that says what
 * every {@link EventStore} call must return. Operations are <em>intents</em> ("append at the head",
 * "append below the head") resolved against the model when they run, so that any sub-list of a history
 * (as the shrinker produces) is still a meaningful history.
 */
public final class StorageHistory {

    private StorageHistory() {
    }

    /** How an append relates to the head. */
    public enum AppendMode { AT_HEAD, STALE, AHEAD, FAILING }

    /** One storage operation on store number {@code store} of the history. */
    public sealed interface Op {
        int store();
    }

    /** Appends {@code count} events, per {@code mode}; {@code offset} says how stale or how far ahead. */
    public record Append(int store, AppendMode mode, int count, int offset, long dataSeed) implements Op {
    }

    /** Reads after a cursor picked by {@code pick} (0..999) among the interesting cursors of the store. */
    public record Read(int store, int pick, int limit) implements Op {
    }

    /** Counts after a cursor picked like {@link Read}'s. */
    public record Count(int store, int pick) implements Op {
    }

    /** Resets the store. */
    public record Reset(int store) implements Op {
    }

    /** A disagreement between the store and the model at step {@code stepIndex}. */
    public record Mismatch(int stepIndex, String what, String expected, String actual, List<String> steps) {
    }

    /** A random history of {@code length} operations over {@code stores} stores. */
    public static List<Op> generate(Gen gen, int stores, int length) {
        List<Op> ops = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            int store = gen.between(0, stores - 1);
            int kind = gen.between(0, 99);
            Op op;
            if (kind < 40) {
                op = new Append(store, AppendMode.AT_HEAD, gen.between(1, 6), 0, gen.betweenLong(0, Long.MAX_VALUE - 1));
            } else if (kind < 48) {
                op = new Append(store, AppendMode.STALE, gen.between(1, 3), gen.between(1, 5), gen.betweenLong(0, Long.MAX_VALUE - 1));
            } else if (kind < 54) {
                op = new Append(store, AppendMode.AHEAD, gen.between(1, 3), gen.between(1, 5), gen.betweenLong(0, Long.MAX_VALUE - 1));
            } else if (kind < 60) {
                op = new Append(store, AppendMode.FAILING, gen.between(2, 6), 0, gen.betweenLong(0, Long.MAX_VALUE - 1));
            } else if (kind < 82) {
                op = new Read(store, gen.between(0, 999), gen.pick(List.of(1, 2, 3, 5, 100)));
            } else if (kind < 97) {
                op = new Count(store, gen.between(0, 999));
            } else {
                op = new Reset(store);
            }
            ops.add(op);
        }
        return ops;
    }

    /**
     * Runs {@code ops} against {@code eventStore} on fresh stores named {@code storePrefix-<n>} and
     * returns the first disagreement with the model, if any.
     */
    public static Optional<Mismatch> run(EventStore eventStore, String storePrefix, List<Op> ops) {
        Map<Integer, List<StoredEvent>> model = new HashMap<>();
        Map<Integer, String> backendIds = new HashMap<>();
        List<String> steps = new ArrayList<>();
        Instant clock = Instant.parse("2026-01-01T00:00:00.001Z");
        for (int i = 0; i < ops.size(); i++) {
            Op op = ops.get(i);
            StoreId id = StoreId.of(storePrefix + "-" + op.store());
            List<StoredEvent> log = model.computeIfAbsent(op.store(), k -> new ArrayList<>());
            long head = log.isEmpty() ? 0 : log.get(log.size() - 1).seqNum();
            clock = clock.plusMillis(1);
            String label = "store " + op.store() + ": ";
            try {
                Optional<Mismatch> mismatch;
                if (op instanceof Append a) {
                    mismatch = runAppend(eventStore, id, a, log, head, clock, label, steps, i);
                } else if (op instanceof Read r) {
                    long after = pickCursor(log, r.pick());
                    List<StoredEvent> actual = eventStore.read(id, after, r.limit());
                    List<StoredEvent> expected = after(log, after, r.limit());
                    steps.add(label + "read(after " + after + ", limit " + r.limit() + ") -> " + Describe.stored(actual));
                    mismatch = expected.equals(actual) ? Optional.empty()
                            : Optional.of(new Mismatch(i, "read(after " + after + ", limit " + r.limit() + ")",
                            Describe.stored(expected) + " " + expected, Describe.stored(actual) + " " + actual, List.copyOf(steps)));
                } else if (op instanceof Count c) {
                    long after = pickCursor(log, c.pick());
                    long actual = eventStore.countAfter(id, after);
                    long expected = after(log, after, Integer.MAX_VALUE).size();
                    steps.add(label + "countAfter(" + after + ") -> " + actual);
                    mismatch = expected == actual ? Optional.empty()
                            : Optional.of(new Mismatch(i, "countAfter(" + after + ")", String.valueOf(expected),
                            String.valueOf(actual), List.copyOf(steps)));
                } else {
                    String before = eventStore.backendId(id);
                    eventStore.reset(id);
                    log.clear();
                    String after = eventStore.backendId(id);
                    steps.add(label + "reset() -> backendId " + after);
                    backendIds.put(op.store(), after);
                    mismatch = before.equals(after) ? Optional.of(new Mismatch(i, "backendId after reset",
                            "a new backendId", "unchanged " + after, List.copyOf(steps))) : Optional.empty();
                }
                if (mismatch.isPresent()) {
                    return mismatch;
                }
                long expectedHead = log.isEmpty() ? 0 : log.get(log.size() - 1).seqNum();
                long actualHead = eventStore.head(id);
                if (actualHead != expectedHead) {
                    steps.add(label + "head() -> " + actualHead);
                    return Optional.of(new Mismatch(i, "head after the step", String.valueOf(expectedHead),
                            String.valueOf(actualHead), List.copyOf(steps)));
                }
                String backendId = eventStore.backendId(id);
                String known = backendIds.putIfAbsent(op.store(), backendId);
                if (known != null && !known.equals(backendId)) {
                    steps.add(label + "backendId() -> " + backendId);
                    return Optional.of(new Mismatch(i, "backendId changed without a reset", known, backendId,
                            List.copyOf(steps)));
                }
            } catch (RuntimeException e) {
                steps.add(label + describe(op) + " threw " + e);
                return Optional.of(new Mismatch(i, describe(op) + " threw", "a result", e.toString(), List.copyOf(steps)));
            }
        }
        return Optional.empty();
    }

    private static Optional<Mismatch> runAppend(EventStore store, StoreId id, Append a, List<StoredEvent> log, long head,
                                                Instant createdAt, String label, List<String> steps, int index) {
        Gen data = new Gen(a.dataSeed());
        long expectedHead = switch (a.mode()) {
            case AT_HEAD, FAILING -> head;
            case STALE -> head == 0 ? -1 : Math.max(0, head - a.offset());
            case AHEAD -> head + a.offset();
        };
        if (expectedHead < 0) {
            steps.add(label + "stale append skipped: the store is empty");
            return Optional.empty();
        }
        List<Event> batch = data.chain(expectedHead, a.count(), 3, "client-" + a.store(), "session-" + index,
                "h" + index);
        String call = "append(expectedHead " + expectedHead + ", " + Describe.batch(batch) + ")";
        if (a.mode() == AppendMode.FAILING) {
            int failAt = Math.max(1, a.count() / 2);
            try {
                AppendResult result = store.append(id, expectedHead, new FailingBatch(batch, failAt), createdAt);
                steps.add(label + call + " failing at event #" + failAt + " -> " + result);
                return Optional.of(new Mismatch(index, call + " with a batch failing at event #" + failAt,
                        "an exception and nothing appended", String.valueOf(result), List.copyOf(steps)));
            } catch (RuntimeException expected) {
                steps.add(label + call + " failing at event #" + failAt + " -> threw " + expected.getClass().getSimpleName());
                return Optional.empty();
            }
        }
        AppendResult result = store.append(id, expectedHead, batch, createdAt);
        steps.add(label + call + " -> " + result);
        AppendResult expected;
        if (expectedHead == head) {
            expected = new AppendResult.Appended(batch.get(batch.size() - 1).seqNum());
            for (Event e : batch) {
                log.add(new StoredEvent(e, createdAt));
            }
        } else {
            expected = new AppendResult.HeadMismatch(head);
        }
        return Objects.equals(expected, result) ? Optional.empty()
                : Optional.of(new Mismatch(index, call, String.valueOf(expected), String.valueOf(result), List.copyOf(steps)));
    }

    /** The interesting cursors of a log: 0, each seqNum, each seqNum - 1 (inside a gap or before), head + 7. */
    static long pickCursor(List<StoredEvent> log, int pick) {
        List<Long> cursors = new ArrayList<>();
        cursors.add(0L);
        for (StoredEvent e : log) {
            cursors.add(e.seqNum());
            cursors.add(e.seqNum() - 1);
        }
        cursors.add((log.isEmpty() ? 0 : log.get(log.size() - 1).seqNum()) + 7);
        return cursors.get(pick % cursors.size());
    }

    static List<StoredEvent> after(List<StoredEvent> log, long after, int limit) {
        List<StoredEvent> out = new ArrayList<>();
        for (StoredEvent e : log) {
            if (e.seqNum() > after && out.size() < limit) {
                out.add(e);
            }
        }
        return out;
    }

    public static String describe(Op op) {
        if (op instanceof Append a) {
            return "store " + a.store() + ": append " + a.mode() + " x" + a.count()
                    + (a.offset() > 0 ? " offset " + a.offset() : "");
        }
        if (op instanceof Read r) {
            return "store " + r.store() + ": read pick " + r.pick() + " limit " + r.limit();
        }
        if (op instanceof Count c) {
            return "store " + c.store() + ": count pick " + c.pick();
        }
        return "store " + op.store() + ": reset";
    }
}
