package dev.eventsync.bench.wire;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What one pull received: every event goes through an {@link EchoCheck}; {@link #firstPage()} completes with
 * the first chunk, {@link #exit()} with a non-live pull's end (or exceptionally with a failure), and
 * {@link #reached(long)} when the pull has delivered everything up to a seqNum.
 */
public final class PullStream {

    private final EchoCheck check;
    private final CompletableFuture<String> firstPage = new CompletableFuture<>();
    private final CompletableFuture<Void> exit = new CompletableFuture<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private volatile Consumer<ServerFrame.InEvent> listener = e -> { };

    private record Waiter(long seqNum, CompletableFuture<Void> future) {
    }

    PullStream(long from) {
        this.check = new EchoCheck(from);
    }

    /** Called for every event after the check, on the connection's event loop. */
    public void onEvent(Consumer<ServerFrame.InEvent> listener) {
        this.listener = listener;
    }

    public EchoCheck check() {
        return check;
    }

    /** Completes with the backendId of the first page. */
    public CompletableFuture<String> firstPage() {
        return firstPage;
    }

    public CompletableFuture<Void> exit() {
        return exit;
    }

    /** Completes once the pull delivered seqNum {@code seqNum} or a higher one. */
    public CompletableFuture<Void> reached(long seqNum) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        synchronized (waiters) {
            if (check.highest() >= seqNum) {
                f.complete(null);
            } else {
                waiters.add(new Waiter(seqNum, f));
            }
        }
        return f;
    }

    void onChunk(ServerFrame frame) {
        Consumer<ServerFrame.InEvent> l = listener;
        String backendId = "";
        for (ServerFrame.Page page : frame.pages()) {
            backendId = page.backendId();
            for (ServerFrame.InEvent e : page.events()) {
                check.accept(e);
                l.accept(e);
            }
        }
        firstPage.complete(backendId);
        long highest = check.highest();
        synchronized (waiters) {
            waiters.removeIf(w -> {
                if (highest >= w.seqNum()) {
                    w.future().complete(null);
                    return true;
                }
                return false;
            });
        }
    }

    void onExit(ServerFrame frame) {
        if (frame.kind() == ServerFrame.Kind.EXIT_SUCCESS) {
            firstPage.complete("");
            exit.complete(null);
        } else {
            IllegalStateException e = new IllegalStateException("pull failed: "
                    + (frame.failure() == null ? frame.kind() : frame.failure().text()));
            firstPage.completeExceptionally(e);
            exit.completeExceptionally(e);
        }
    }
}
