package dev.parley.simulator.replica;

import java.util.Optional;

/**
 * One request's generation on the replica. Its state is moved only by {@link Replica}, under the replica's lock;
 * to everyone else it is a handle to abort with.
 */
public final class Sequence {

    /** Where the sequence is; every state but WAITING and DONE holds a place in the running batch and KV cache. */
    enum State { WAITING, PREFILLING, DECODING, STALLED, DONE }

    /** The conversation it belongs to, the key of the prefix cache; empty: none, nothing is looked up or kept. */
    final Optional<String> session;
    final int promptTokens;
    final int outputTokens;
    final SequenceFault fault;
    final SequenceListener listener;
    State state = State.WAITING;
    int generatedTokens;
    /** While decoding: how much of the next token is done, in tokens; due at 1. */
    double progress;
    /** While prefilling: when the next token comes out. */
    long readyAt;
    /** Tokens found in the prefix cache at its latest admission, so not prefilled. */
    int cachedTokens;
    /** When an injected stall ends; kept across a preemption so a stall outlasts it. */
    long stalledUntil = Long.MIN_VALUE;
    boolean faultStruck;
    boolean everAdmitted;

    Sequence(Optional<String> session, int promptTokens, int outputTokens, SequenceFault fault, SequenceListener listener) {
        this.session = session;
        this.promptTokens = promptTokens;
        this.outputTokens = outputTokens;
        this.fault = fault;
        this.listener = listener;
    }

    /** Tokens this sequence holds in KV cache while it runs: its prompt and what it has generated so far. */
    int kvCacheTokens() {
        return promptTokens + generatedTokens;
    }

    /**
     * Tokens whose keys and values are computed, what the sequence leaves to the prefix cache: all it holds, or
     * while it is still prefilling only what it found cached.
     */
    int computedTokens() {
        return state == State.PREFILLING ? cachedTokens : kvCacheTokens();
    }

    /** True when the injected fault strikes now: after its token count, or at the end of a shorter reply. */
    boolean faultDue() {
        int after = switch (fault) {
            case SequenceFault.None none -> -1;
            case SequenceFault.Fail fail -> fail.afterTokens();
            case SequenceFault.Stall stall -> stall.afterTokens();
        };
        return !faultStruck && after >= 0 && generatedTokens == Math.min(after, outputTokens);
    }
}
