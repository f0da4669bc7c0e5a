package dev.parley.simulator.replica;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Admission control of one replica, like vLLM's scheduler: at most {@code maxRunningSequences} run at once,
 * the rest wait in arrival order and get the next free slot.
 */
public final class ReplicaScheduler {

    private final int maxRunningSequences;
    private final Set<Sequence> running = new HashSet<>();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();

    public ReplicaScheduler(int maxRunningSequences) {
        if (maxRunningSequences < 1) {
            throw new IllegalArgumentException("max concurrent sequences must be at least 1, was " + maxRunningSequences);
        }
        this.maxRunningSequences = maxRunningSequences;
    }

    /**
     * Queues a sequence. {@code onAdmitted} runs once it holds a slot: right here when one is free, otherwise
     * on the thread whose {@link #release} frees one, so it must not block and should hop to its own thread.
     */
    public Sequence submit(int promptTokens, Consumer<Sequence> onAdmitted) {
        Sequence sequence = new Sequence(promptTokens, onAdmitted);
        boolean admitted;
        synchronized (this) {
            admitted = running.size() < maxRunningSequences;
            if (admitted) {
                run(sequence);
            } else {
                waiting.addLast(sequence);
            }
        }
        // Callbacks run outside the lock so they may call back into the scheduler.
        if (admitted) {
            sequence.admitted();
        }
        return sequence;
    }

    /**
     * Ends a sequence, finished or abandoned: a waiting one leaves the queue and is never admitted, a running
     * one frees its slot for the longest-waiting sequence. Releasing twice is harmless.
     */
    public void release(Sequence sequence) {
        Sequence next = null;
        synchronized (this) {
            switch (sequence.state) {
                case FINISHED -> {
                    return;
                }
                case WAITING -> waiting.remove(sequence);
                case RUNNING -> {
                    running.remove(sequence);
                    next = waiting.pollFirst();
                    if (next != null) {
                        run(next);
                    }
                }
            }
            sequence.state = Sequence.State.FINISHED;
        }
        if (next != null) {
            next.admitted();
        }
    }

    public synchronized int runningCount() {
        return running.size();
    }

    public synchronized int waitingCount() {
        return waiting.size();
    }

    /** Tokens held in KV cache: prompt and generated tokens of every running sequence. */
    public synchronized long kvCacheTokensInUse() {
        long tokens = 0;
        for (Sequence sequence : running) {
            tokens += sequence.kvCacheTokens();
        }
        return tokens;
    }

    private void run(Sequence sequence) {
        running.add(sequence);
        sequence.state = Sequence.State.RUNNING;
    }
}
