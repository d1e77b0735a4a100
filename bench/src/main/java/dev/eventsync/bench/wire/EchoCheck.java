package dev.eventsync.bench.wire;

import java.util.BitSet;

/**
 * Checks what one pull delivered against the log the generator built: every event once, in seqNum order,
 * chained ({@code parentSeqNum == seqNum - 1}, as the generator pushes contiguous batches), with the args it
 * was pushed with ({@code args.id} starts with {@code s<seqNum>.}). Thread-safe.
 */
public final class EchoCheck {

    private final long from;
    private final BitSet seen = new BitSet();
    private long highest;
    private long received;
    private long duplicates;
    private long outOfOrder;
    private long broken;

    /** A check for a pull whose cursor is {@code from} (0 for the start of the log). */
    public EchoCheck(long from) {
        this.from = from;
        this.highest = from;
    }

    /** Records one delivered event. */
    public synchronized void accept(ServerFrame.InEvent e) {
        received++;
        long seq = e.seqNum();
        if (seq <= from || seq > Integer.MAX_VALUE) {
            broken++;
            return;
        }
        if (seen.get((int) seq)) {
            duplicates++;
            return;
        }
        seen.set((int) seq);
        if (seq < highest) {
            outOfOrder++;
        } else {
            highest = seq;
        }
        if (e.parentSeqNum() != seq - 1 || !e.argsId().startsWith("s" + seq + ".")) {
            broken++;
        }
    }

    /** The highest seqNum delivered so far. */
    public synchronized long highest() {
        return highest;
    }

    /** Events delivered, duplicates included. */
    public synchronized long received() {
        return received;
    }

    /** The verdict against the log's final head. */
    public synchronized Verdict verdict(long head) {
        long distinct = seen.cardinality();
        long lost = Math.max(0, head - from - distinct);
        long beyond = highest > head ? 1 : 0;
        return new Verdict(received, lost, duplicates, outOfOrder, broken + beyond);
    }

    /**
     * What a pull got wrong, in events: {@code lost} never arrived, {@code duplicates} arrived twice,
     * {@code outOfOrder} arrived after a higher seqNum, {@code broken} had a wrong chain or args (or lay
     * outside the log).
     */
    public record Verdict(long received, long lost, long duplicates, long outOfOrder, long broken) {

        public boolean ok() {
            return lost == 0 && duplicates == 0 && outOfOrder == 0 && broken == 0;
        }

        /** Adds two verdicts. */
        public Verdict plus(Verdict o) {
            return new Verdict(received + o.received, lost + o.lost, duplicates + o.duplicates,
                    outOfOrder + o.outOfOrder, broken + o.broken);
        }

        public static Verdict none() {
            return new Verdict(0, 0, 0, 0, 0);
        }
    }
}
