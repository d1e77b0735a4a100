package dev.eventsync.vertx.wire;

/**
 * How an Effect RPC {@code Exit} failure encodes its {@code cause}. LiveStore 0.4 (Effect 3, on npm today)
 * expects a tree; the next LiveStore release (Effect 4) sends and expects a flat array of reasons. Input is
 * always accepted in both forms; this setting chooses the output form.
 */
public enum CauseFormat {
    /** {@code {"_tag":"Fail","error":{...}}}: Effect 3, LiveStore 0.4.x. The default. */
    EFFECT3_TREE,
    /** {@code [{"_tag":"Fail","error":{...}}]}: Effect 4, LiveStore after 0.4. */
    EFFECT4_ARRAY
}
