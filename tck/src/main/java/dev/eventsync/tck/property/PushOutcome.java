package dev.eventsync.tck.property;

import dev.eventsync.api.PushResult;
import dev.eventsync.api.SyncError;
import dev.eventsync.api.SyncErrorException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What became of one push as a client saw it. */
public sealed interface PushOutcome {

    /** The push was acked. */
    record Acked(PushResult result) implements PushOutcome {
    }

    /** The push was refused with a typed error. */
    record Refused(SyncError error) implements PushOutcome {
    }

    /** The push failed without a typed error, or did not answer in time: its effect is unknown. */
    record Failed(String failure) implements PushOutcome {
    }

    /** Waits for {@code push} at most {@code timeout}. */
    static PushOutcome await(CompletionStage<PushResult> push, Duration timeout) throws InterruptedException {
        try {
            return new Acked(push.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            return SyncErrorException.errorOf(e).<PushOutcome>map(Refused::new)
                    .orElseGet(() -> new Failed(String.valueOf(e.getCause())));
        } catch (TimeoutException e) {
            return new Failed("no answer within " + timeout);
        } catch (RuntimeException e) {
            return SyncErrorException.errorOf(e).<PushOutcome>map(Refused::new)
                    .orElseGet(() -> new Failed(String.valueOf(e)));
        }
    }

    /** Runs {@code push} (which may itself throw) and waits for it. */
    static PushOutcome call(java.util.function.Supplier<CompletionStage<PushResult>> push, Duration timeout)
            throws InterruptedException {
        CompletionStage<PushResult> stage;
        try {
            stage = push.get();
        } catch (RuntimeException e) {
            return SyncErrorException.errorOf(e).<PushOutcome>map(Refused::new)
                    .orElseGet(() -> new Failed(String.valueOf(e)));
        }
        return await(stage, timeout);
    }
}
