package dev.parley.simulator.replica;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * One GPU replica's scheduler and engine as a discrete-event model, after vLLM's V1 scheduler.
 *
 * <ul>
 *   <li>Requests wait in arrival order and are admitted while fewer than {@code maxRunningSequences} run and the
 *       KV cache has room for the head's tokens plus the one it will generate next; a head that does not fit
 *       blocks those behind it. Beyond {@code maxWaitingRequests} waiting, a request is refused.</li>
 *   <li>An admitted sequence prefills its tokens on the GPU's one prefill lane, after the prefills ahead of it,
 *       at {@code prefillTokensPerSecond}; {@code timeToFirstToken} later its first token is out.</li>
 *   <li>Every decoding sequence then advances at {@link ReplicaModel#decodeTokensPerSecond} for the current
 *       batch size, re-evaluated whenever the batch changes, so speeds integrate exactly between events.</li>
 *   <li>Each generated token takes one more KV-cache slot. When none is left, the newest running sequence is
 *       preempted: it frees its cache, goes back to the front of the queue and on readmission recomputes its
 *       prompt and generated tokens (vLLM's recompute preemption): latency, not an error.</li>
 *   <li>With prefix caching, the tokens a sequence computed stay cached for its session after it leaves, while the
 *       {@link PrefixCache} has room in {@code prefixCacheTokens} less what running sequences hold; the session's
 *       next sequence, if at least as long, prefills only the tokens beyond them.</li>
 * </ul>
 *
 * Time comes from an injected ticker, and {@link Wakeup} is told when the next event is due, so a test drives
 * the replica with a fake clock and the server with one Vert.x timer. Every method holds the replica's lock.
 */
public final class Replica {

    /** Arranges for {@code advance} to run at {@code dueAt} on the ticker's clock, replacing any earlier arrangement. */
    public interface Wakeup {
        /** {@code dueAt} is {@link Long#MAX_VALUE} when nothing is scheduled. */
        void at(long dueAt, Runnable advance);
    }

    /** The answer to a submission. */
    public sealed interface Admission {
    }

    public record Accepted(Sequence sequence) implements Admission {
    }

    /** The waiting queue already holds {@code waiting} requests, the configured maximum. */
    public record QueueFull(int waiting) implements Admission {
    }

    /**
     * What the replica holds right now, for its gauges, and its cumulative counters. The prefix-cache counters are
     * in tokens: those of admitted sequences with a session ({@code prefixCacheQueries}) and those found cached.
     */
    public record Load(int running, int waiting, long kvCacheTokens, long preemptions,
                       long prefixCacheQueries, long prefixCacheHits) {
    }

    // Progress is a double; this much short of a whole token still counts as the token being due.
    private static final double DUE = 1 - 1e-9;

    private final ReplicaModel model;
    private final LongSupplier ticker;
    private final Wakeup wakeup;
    // Oldest admission first: preemption takes from the end, as vLLM's FCFS policy does.
    private final List<Sequence> running = new ArrayList<>();
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final PrefixCache prefixCache = new PrefixCache();
    private long now;
    private long prefillLaneFreeAt;
    private long kvCacheTokensInUse;
    private long preemptions;
    private long prefixCacheQueries;
    private long prefixCacheHits;

    public Replica(ReplicaModel model, LongSupplier ticker, Wakeup wakeup) {
        this.model = model;
        this.ticker = ticker;
        this.wakeup = wakeup;
        this.now = ticker.getAsLong();
        this.prefillLaneFreeAt = now;
    }

    /**
     * Queues a sequence of {@code promptTokens} that will generate {@code outputTokens}, unless the queue is full.
     * When it can run at once and its events take no time, they all happen before this returns.
     *
     * @param session the conversation the request continues, whose cached prefix it may reuse; empty: none
     * @throws IllegalArgumentException if prompt and output together exceed the KV cache, which could never hold them
     */
    public synchronized Admission submit(Optional<String> session, int promptTokens, int outputTokens, SequenceFault fault,
                                         SequenceListener listener) {
        if (promptTokens < 0 || outputTokens < 0 || (long) promptTokens + outputTokens > model.kvCacheTokens()) {
            throw new IllegalArgumentException("a sequence of %d prompt and %d output tokens does not fit a KV cache of %d tokens"
                    .formatted(promptTokens, outputTokens, model.kvCacheTokens()));
        }
        advanceTo(ticker.getAsLong());
        Sequence sequence = new Sequence(session, promptTokens, outputTokens, fault, listener);
        boolean runsAtOnce = waiting.isEmpty() && fits(sequence);
        if (!runsAtOnce && waiting.size() >= model.maxWaitingRequests()) {
            settle();
            return new QueueFull(waiting.size());
        }
        waiting.addLast(sequence);
        admitWaiting();
        settle();
        return new Accepted(sequence);
    }

    /** Ends a sequence whose client went away, wherever it is; its place goes to the next waiting. Harmless twice. */
    public synchronized void abort(Sequence sequence) {
        advanceTo(ticker.getAsLong());
        switch (sequence.state) {
            case DONE -> {
                return;
            }
            case WAITING -> waiting.remove(sequence);
            default -> leave(sequence);
        }
        sequence.state = Sequence.State.DONE;
        admitWaiting();
        settle();
    }

    /** Brings the replica up to the ticker's time: every event due by now happens, in time order. */
    public synchronized void advance() {
        advanceTo(ticker.getAsLong());
        settle();
    }

    public synchronized Load load() {
        advanceTo(ticker.getAsLong());
        settle();
        return new Load(running.size(), waiting.size(), kvCacheTokensInUse, preemptions, prefixCacheQueries, prefixCacheHits);
    }

    // Runs what is due at the current instant (a just-admitted sequence may be ready at once) and arranges the next wake-up.
    private void settle() {
        advanceTo(now);
        wakeup.at(nextEventAt(), this::advance);
    }

    private void advanceTo(long target) {
        long next;
        while ((next = nextEventAt()) <= target) {
            elapseTo(next);
            runDueSteps();
            admitWaiting();
        }
        elapseTo(target);
    }

    /** Decoding progress accrues at the rate of the batch as it has been since the last event. */
    private void elapseTo(long time) {
        if (time <= now) {
            return;
        }
        double rate = model.decodeTokensPerSecond(running.size());
        if (!Double.isInfinite(rate)) {
            for (Sequence sequence : running) {
                if (sequence.state == Sequence.State.DECODING) {
                    sequence.progress += (time - now) * rate / 1e9;
                }
            }
        }
        now = time;
    }

    private long nextEventAt() {
        double rate = model.decodeTokensPerSecond(running.size());
        long next = Long.MAX_VALUE;
        for (Sequence sequence : running) {
            long at = switch (sequence.state) {
                case PREFILLING -> sequence.readyAt;
                case STALLED -> sequence.stalledUntil;
                case DECODING -> due(sequence, rate) ? now : now + (long) Math.ceil((1 - sequence.progress) / rate * 1e9);
                case WAITING, DONE -> throw new IllegalStateException("a " + sequence.state + " sequence in the running batch");
            };
            next = Math.min(next, at);
        }
        return next;
    }

    private void runDueSteps() {
        // A copy, because steps finish and preempt sequences.
        for (Sequence sequence : List.copyOf(running)) {
            if (sequence.state == Sequence.State.PREFILLING && sequence.readyAt <= now) {
                prefilled(sequence);
            } else if (sequence.state == Sequence.State.STALLED && sequence.stalledUntil <= now) {
                sequence.state = Sequence.State.DECODING;
                sequence.progress = 1; // the step the stall held back is due at once
            }
            while (sequence.state == Sequence.State.DECODING && due(sequence, model.decodeTokensPerSecond(running.size()))) {
                step(sequence);
            }
        }
    }

    private static boolean due(Sequence sequence, double rate) {
        return Double.isInfinite(rate) || sequence.progress >= DUE;
    }

    private void prefilled(Sequence sequence) {
        if (sequence.stalledUntil > now) {
            sequence.state = Sequence.State.STALLED; // preempted while stalled: the stall goes on
        } else {
            sequence.state = Sequence.State.DECODING;
            sequence.progress = 1; // prefill itself produces the next token
        }
    }

    /** One decode step of a sequence whose next token is due: the token, or the injected fault, then perhaps the end. */
    private void step(Sequence sequence) {
        sequence.progress -= 1;
        if (sequence.faultDue()) {
            strike(sequence);
            return;
        }
        if (sequence.generatedTokens < sequence.outputTokens) {
            if (!makeRoomForOneToken(sequence)) {
                return;
            }
            sequence.generatedTokens++;
            kvCacheTokensInUse++;
            fitPrefixCache();
            sequence.listener.token(now);
        }
        if (sequence.generatedTokens == sequence.outputTokens) {
            if (sequence.faultDue()) {
                strike(sequence);
                return;
            }
            leave(sequence);
            sequence.state = Sequence.State.DONE;
            sequence.listener.finished(now);
        }
    }

    private void strike(Sequence sequence) {
        sequence.faultStruck = true;
        switch (sequence.fault) {
            case SequenceFault.Fail fail -> {
                leave(sequence);
                sequence.state = Sequence.State.DONE;
                sequence.listener.failed(now);
            }
            case SequenceFault.Stall stall -> {
                sequence.state = Sequence.State.STALLED;
                sequence.stalledUntil = stall.duration()
                        .map(duration -> saturatedAdd(now, duration.toNanos()))
                        .orElse(Long.MAX_VALUE);
            }
            case SequenceFault.None none -> throw new IllegalStateException("no fault to strike");
        }
    }

    /** Frees a KV slot for {@code sequence}'s next token by preempting the newest sequences; false if it was one of them. */
    private boolean makeRoomForOneToken(Sequence sequence) {
        while (kvCacheTokensInUse + 1 > model.kvCacheTokens()) {
            Sequence newest = running.getLast();
            preempt(newest);
            if (newest == sequence) {
                return false;
            }
        }
        return true;
    }

    private void preempt(Sequence sequence) {
        leave(sequence);
        sequence.state = Sequence.State.WAITING;
        sequence.progress = 0;
        waiting.addFirst(sequence);
        preemptions++;
    }

    /** Takes a sequence out of the running batch; what it computed stays cached for its session, as vLLM's freed blocks do. */
    private void leave(Sequence sequence) {
        running.remove(sequence);
        kvCacheTokensInUse -= sequence.kvCacheTokens();
        if (model.prefixCaching()) {
            sequence.session.ifPresent(session -> prefixCache.keep(session, sequence.computedTokens()));
            fitPrefixCache();
        }
    }

    /**
     * Cached prefixes live in the blocks running sequences do not use (vLLM evicts them when it allocates blocks),
     * within {@code prefixCacheTokens} in all.
     */
    private void fitPrefixCache() {
        prefixCache.evictTo(model.prefixCacheTokens() - kvCacheTokensInUse);
    }

    /** Tokens of {@code sequence} its session left in the prefix cache, which it need not prefill; counted as vLLM counts. */
    private int cachedPrefix(Sequence sequence) {
        if (!model.prefixCaching() || sequence.session.isEmpty()) {
            return 0;
        }
        int cached = prefixCache.take(sequence.session.get(), sequence.kvCacheTokens());
        prefixCacheQueries += sequence.kvCacheTokens();
        prefixCacheHits += cached;
        return cached;
    }

    private boolean fits(Sequence sequence) {
        // Room for the token it will generate next too, so a readmitted sequence does not preempt itself at once.
        int nextToken = sequence.generatedTokens < sequence.outputTokens ? 1 : 0;
        return running.size() < model.maxRunningSequences()
                && kvCacheTokensInUse + sequence.kvCacheTokens() + nextToken <= model.kvCacheTokens();
    }

    private void admitWaiting() {
        while (!waiting.isEmpty() && fits(waiting.peekFirst())) {
            Sequence sequence = waiting.removeFirst();
            running.add(sequence);
            kvCacheTokensInUse += sequence.kvCacheTokens();
            // A preempted sequence recomputes everything it had, its prompt and the tokens it generated, but for
            // what is still cached.
            sequence.cachedTokens = cachedPrefix(sequence);
            fitPrefixCache();
            long prefillStart = Math.max(now, prefillLaneFreeAt);
            prefillLaneFreeAt = prefillStart + model.prefillNanos(sequence.kvCacheTokens() - sequence.cachedTokens);
            sequence.readyAt = prefillLaneFreeAt + model.timeToFirstToken().toNanos();
            sequence.state = Sequence.State.PREFILLING;
            if (!sequence.everAdmitted) {
                sequence.everAdmitted = true;
                sequence.listener.admitted(now);
            }
        }
    }

    private static long saturatedAdd(long time, long nanos) {
        long sum = time + nanos;
        return ((time ^ sum) & (nanos ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }
}
