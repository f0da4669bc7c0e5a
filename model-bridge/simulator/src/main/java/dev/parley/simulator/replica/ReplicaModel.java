package dev.parley.simulator.replica;

import java.time.Duration;

/**
 * The capacity of one simulated GPU replica and the two formulas that turn work into time: how long a prompt
 * takes to prefill, and how fast each sequence decodes when it shares the GPU with others.
 *
 * @param maxRunningSequences    sequences in the running batch at most (vLLM {@code --max-num-seqs})
 * @param maxWaitingRequests     requests that may wait for admission; one more is refused with a 503
 * @param kvCacheTokens          KV-cache capacity in tokens; also the longest context a request may use
 * @param timeToFirstToken       fixed latency from the end of a sequence's prefill to its first token
 * @param prefillTokensPerSecond prompt tokens the GPU prefills per second, shared by all sequences; {@code <= 0}: free
 * @param tokensPerSecond        decode speed of a sequence running alone; {@code <= 0}: every token at once
 * @param batchSlowdown          how much each further running sequence slows every sequence's decoding
 * @param prefixCaching          whether a session's next sequence reuses the tokens its last one left cached
 *                               (vLLM {@code --enable-prefix-caching})
 * @param prefixCacheTokens      tokens that cached prefixes and running sequences hold together at most; cached
 *                               prefixes get what running sequences leave of it
 */
public record ReplicaModel(int maxRunningSequences, int maxWaitingRequests, int kvCacheTokens, Duration timeToFirstToken,
                           double prefillTokensPerSecond, double tokensPerSecond, double batchSlowdown,
                           boolean prefixCaching, int prefixCacheTokens) {

    public ReplicaModel {
        if (maxRunningSequences < 1) {
            throw new IllegalArgumentException("max concurrent sequences must be at least 1, was " + maxRunningSequences);
        }
        if (maxWaitingRequests < 0) {
            throw new IllegalArgumentException("max waiting requests must not be negative, was " + maxWaitingRequests);
        }
        if (kvCacheTokens < 1) {
            throw new IllegalArgumentException("KV-cache capacity must be at least one token, was " + kvCacheTokens);
        }
        if (timeToFirstToken.isNegative()) {
            throw new IllegalArgumentException("time to first token must not be negative, was " + timeToFirstToken);
        }
        if (Double.isNaN(prefillTokensPerSecond) || Double.isNaN(tokensPerSecond)) {
            throw new IllegalArgumentException("token speeds must be numbers");
        }
        if (!(batchSlowdown >= 0) || Double.isInfinite(batchSlowdown)) {
            throw new IllegalArgumentException("batch slowdown must be a finite number of at least 0, was " + batchSlowdown);
        }
        if (prefixCacheTokens < 0) {
            throw new IllegalArgumentException("prefix-cache capacity must not be negative, was " + prefixCacheTokens);
        }
    }

    /**
     * Decode speed of each sequence while {@code running} sequences share the GPU:
     * {@code tokensPerSecond / (1 + batchSlowdown * (running - 1))}. Decoding is bound by memory bandwidth, so a
     * small batch costs each sequence little, while the replica's total, {@code running} times this, approaches
     * {@code tokensPerSecond / batchSlowdown} and never exceeds it.
     *
     * @return tokens per second per sequence; infinite when decoding is configured to be instant
     */
    public double decodeTokensPerSecond(int running) {
        if (tokensPerSecond <= 0) {
            return Double.POSITIVE_INFINITY;
        }
        return tokensPerSecond / (1 + batchSlowdown * Math.max(0, running - 1));
    }

    /**
     * GPU time to prefill {@code tokens} tokens: {@code tokens / prefillTokensPerSecond}. Prefill is bound by
     * compute, so the replica prefills at this rate however many prompts it has; the caller queues prefills.
     */
    public long prefillNanos(int tokens) {
        if (prefillTokensPerSecond <= 0) {
            return 0;
        }
        return (long) Math.ceil(tokens / prefillTokensPerSecond * 1e9);
    }
}
