package dev.eventsync.tck.property;

import dev.eventsync.api.Event;
import dev.eventsync.api.PullPage;
import java.util.List;
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
