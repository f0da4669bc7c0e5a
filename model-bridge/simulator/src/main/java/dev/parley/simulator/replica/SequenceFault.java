package dev.parley.simulator.replica;

import java.time.Duration;
import java.util.Optional;

/**
 * A failure a sequence is told to suffer, for clients to rehearse: it strikes after {@code afterTokens} tokens,
 * in place of the next token (or of the end, if the reply is no longer).
 */
public sealed interface SequenceFault {

    /** The sequence runs to its end. */
    SequenceFault NONE = new None();

    record None() implements SequenceFault {
    }

    /** Generation fails, as vLLM's does when the engine reports {@code finish_reason="error"}. */
    record Fail(int afterTokens) implements SequenceFault {
        public Fail {
            if (afterTokens < 0) {
                throw new IllegalArgumentException("a fault cannot strike before the first token, afterTokens was " + afterTokens);
            }
        }
    }

    /**
     * Generation pauses, holding its slot and KV cache, for {@code duration}, or until the client gives up when
     * empty; then it carries on where it stopped.
     */
    record Stall(int afterTokens, Optional<Duration> duration) implements SequenceFault {
        public Stall {
            if (afterTokens < 0) {
                throw new IllegalArgumentException("a fault cannot strike before the first token, afterTokens was " + afterTokens);
            }
            if (duration.isPresent() && duration.get().isNegative()) {
                throw new IllegalArgumentException("a stall cannot last a negative time, was " + duration.get());
            }
        }
    }
}
