package dev.eventsync.tck;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import dev.eventsync.api.StoredEvent;
import java.util.List;
import java.util.stream.Collectors;

/** Short human-readable descriptions of batches and pages for histories and failure messages. */
public final class Describe {

    private Describe() {
    }

    /** For example {@code [1..3]} for a gapless batch, {@code [1,3,7]} otherwise. */
    public static String seqNums(List<Long> seqNums) {
        if (seqNums.isEmpty()) {
            return "[]";
        }
        boolean gapless = true;
        for (int i = 1; i < seqNums.size(); i++) {
            gapless &= seqNums.get(i) == seqNums.get(i - 1) + 1;
        }
        if (gapless && seqNums.size() > 2) {
            return "[" + seqNums.get(0) + ".." + seqNums.get(seqNums.size() - 1) + "]";
        }
        if (seqNums.size() > 12) {
            return "[" + seqNums.subList(0, 6).stream().map(String::valueOf).collect(Collectors.joining(","))
                    + ",...," + seqNums.subList(seqNums.size() - 3, seqNums.size()).stream().map(String::valueOf)
                    .collect(Collectors.joining(",")) + "] (" + seqNums.size() + " events)";
        }
        return seqNums.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
    }

    public static String batch(List<Event> batch) {
        if (batch.isEmpty()) {
            return "[] (empty)";
        }
        return seqNums(batch.stream().map(Event::seqNum).toList()) + " parent " + batch.get(0).parentSeqNum();
    }

    public static String stored(List<StoredEvent> events) {
        return seqNums(events.stream().map(StoredEvent::seqNum).toList());
    }

    public static String page(PullPage page) {
        return "{batch " + stored(page.batch()) + ", " + page.pageInfo() + "}";
    }

    public static String pages(List<PullPage> pages) {
        if (pages.size() > 20) {
            return pages.subList(0, 10).stream().map(Describe::page).collect(Collectors.joining(", ", "[", ", ...]"))
                    + " (" + pages.size() + " pages)";
        }
        return pages.stream().map(Describe::page).collect(Collectors.joining(", ", "[", "]"));
    }
}
