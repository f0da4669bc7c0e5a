package dev.parley.simulator.replica;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** One request's generation on the replica: it waits for a slot, runs in it, and finishes. */
public final class Sequence {

    /** Where the sequence is in the scheduler; only {@link ReplicaScheduler} moves it, under its lock. */
    enum State { WAITING, RUNNING, FINISHED }

    private final int promptTokens;
    private final Consumer<Sequence> onAdmitted;
    // Written by the sequence's event loop, read by whoever scrapes the KV-cache usage.
    private final AtomicInteger generatedTokens = new AtomicInteger();
    State state = State.WAITING;

    Sequence(int promptTokens, Consumer<Sequence> onAdmitted) {
        this.promptTokens = promptTokens;
        this.onAdmitted = onAdmitted;
    }

    public int promptTokens() {
        return promptTokens;
    }

    public int generatedTokens() {
        return generatedTokens.get();
    }

    /** Counts one decoded token, which from now on occupies KV cache until the sequence is released. */
    public void addGeneratedToken() {
        generatedTokens.incrementAndGet();
    }

    int kvCacheTokens() {
        return promptTokens + generatedTokens.get();
    }

    void admitted() {
        onAdmitted.accept(this);
    }
}
