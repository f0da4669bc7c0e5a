package dev.parley.simulator.replica;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The KV-cache contents a replica still holds after the sequences that computed them have left: vLLM's
 * automatic prefix caching, keyed by conversation. vLLM hashes every full block of tokens and reuses a block
 * whose hash chain matches the start of a new prompt; the simulator has no token ids, so it remembers how many
 * tokens each session's last sequence held and counts them as the new prompt's prefix when the prompt is at least
 * that long (the conversation grew). Used only under the replica's lock.
 */
final class PrefixCache {

    // Insertion order is recency: a session's prefix is re-inserted whenever its sequence leaves.
    private final LinkedHashMap<String, Integer> prefixes = new LinkedHashMap<>();
    private long tokens;

    /**
     * Hands {@code session}'s cached prefix to its sequence of {@code sequenceTokens} tokens, whose own it now is.
     *
     * @return the tokens found cached: the prefix if the sequence is at least as long, else 0 (the history changed
     *         and the prefix is dropped)
     */
    int take(String session, int sequenceTokens) {
        Integer cached = prefixes.remove(session);
        if (cached == null) {
            return 0;
        }
        tokens -= cached;
        return sequenceTokens >= cached ? cached : 0;
    }

    /** {@code session}'s sequence left holding {@code prefixTokens} computed tokens: they become its most recent prefix. */
    void keep(String session, int prefixTokens) {
        Integer replaced = prefixes.remove(session);
        if (replaced != null) {
            tokens -= replaced;
        }
        prefixes.put(session, prefixTokens);
        tokens += prefixTokens;
    }

    /**
     * Evicts until at most {@code capacity} tokens are cached, least recently used prefix first and each from its
     * end, as vLLM frees a request's blocks tail first: a partly evicted prefix still matches with its head.
     */
    void evictTo(long capacity) {
        long room = Math.max(0, capacity);
        Iterator<Map.Entry<String, Integer>> leastRecent = prefixes.entrySet().iterator();
        while (tokens > room) {
            Map.Entry<String, Integer> prefix = leastRecent.next();
            long excess = tokens - room;
            if (prefix.getValue() <= excess) {
                tokens -= prefix.getValue();
                leastRecent.remove();
            } else {
                prefix.setValue((int) (prefix.getValue() - excess));
                tokens = room;
            }
        }
    }
}
