package dev.eventsync.tck.property;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import dev.eventsync.tck.Describe;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What happened in one concurrent run, as the clients saw it: every push, pull and live pull with the
 * logical times of its invocation and response (one counter shared by all threads, so "a responded
 * before b was invoked" is a real-time fact), and the store's final log read after the run settled.
 */
public record History(List<PushRecord> pushes, List<PullRecord> pulls, List<LiveRecord> lives, List<Event> finalLog,
                      String backendId) {

    public History {
        pushes = List.copyOf(pushes);
        pulls = List.copyOf(pulls);
        lives = List.copyOf(lives);
        finalLog = List.copyOf(finalLog);
        Objects.requireNonNull(backendId, "backendId");
    }

    /**
     * The history as lines in order of invocation, with what every call returned: what a failure message
     * shows next to the program.
     */
    public List<String> describe() {
        List<Map.Entry<Long, String>> lines = new ArrayList<>();
        for (PushRecord p : pushes) {
            lines.add(Map.entry(p.invoked(), "t" + p.invoked() + "-t" + p.responded() + " #" + p.step() + " client "
                    + p.client() + ": push " + Describe.batch(p.batch()) + " -> " + p.outcome()));
        }
        for (PullRecord p : pulls) {
            lines.add(Map.entry(p.invoked(), "t" + p.invoked() + "-t" + p.responded() + " #" + p.step() + " client "
                    + p.client() + ": pull after " + p.cursor().orElse(0) + " -> " + Describe.pages(p.pages())
                    + p.error().map(e -> " error " + e).orElse("")));
        }
        for (LiveRecord l : lives) {
            lines.add(Map.entry(l.opened(), "t" + l.opened() + l.closed().stream().mapToObj(c -> "-t" + c)
                    .findFirst().orElse("-open") + " #" + l.step() + " client " + l.client() + ": live pull after "
                    + l.cursor().orElse(0) + " -> " + Describe.pages(l.pages())
                    + l.error().map(e -> " error " + e).orElse("")));
        }
        lines.sort(Map.Entry.comparingByKey());
        List<String> out = new ArrayList<>();
        lines.forEach(e -> out.add(e.getValue()));
        out.add("final log " + Describe.seqNums(finalLog.stream().map(Event::seqNum).toList())
                + ", backendId " + backendId);
        return out;
    }

    /** One push: the batch, when it was invoked and answered, and how. */
    public record PushRecord(int step, int client, List<Event> batch, long invoked, long responded, PushOutcome outcome) {
        public PushRecord {
            batch = List.copyOf(batch);
        }
    }

    /** One non-live pull from {@code cursor} (empty: from the root), collected until it ended. */
    public record PullRecord(int step, int client, OptionalLong cursor, long invoked, long responded, List<PullPage> pages,
                             boolean completed, Optional<String> error) {
        public PullRecord {
            pages = List.copyOf(pages);
        }
    }

    /**
     * One live pull: opened at {@code opened}, closed (cancelled) at {@code closed} or still open when the
     * run settled, with every page it received.
     */
    public record LiveRecord(int step, int client, OptionalLong cursor, long opened, OptionalLong closed,
                             List<PullPage> pages, Optional<String> error) {
        public LiveRecord {
            pages = List.copyOf(pages);
        }
    }
}
