package dev.parley.simulator.openai;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The model's maximum context length, checked before a request reaches the scheduler, the way vLLM checks it and
 * in vLLM's words: clients can only match the text, as the 400 carries no machine-readable code.
 */
record ContextWindow(int maxModelLength) {

    /** Why a request of {@code promptTokens} asking for {@code maxTokens} does not fit, or empty if it does. */
    Optional<String> overflow(int promptTokens, OptionalInt maxTokens) {
        if (maxTokens.isEmpty()) {
            return promptTokens < maxModelLength
                    ? Optional.empty()
                    : Optional.of("This model's maximum context length is %d tokens. However, you requested %d tokens in the messages, Please reduce the length of the messages."
                            .formatted(maxModelLength, promptTokens));
        }
        long requested = (long) promptTokens + maxTokens.getAsInt();
        return requested <= maxModelLength
                ? Optional.empty()
                : Optional.of(("This model's maximum context length is %d tokens. However, you requested %d tokens (%d in the messages, "
                        + "%d in the completion). Please reduce the length of the messages or completion.")
                        .formatted(maxModelLength, requested, promptTokens, maxTokens.getAsInt()));
    }

    /** The most tokens a reply may have after {@code promptTokens}; like vLLM, the default {@code max_tokens}. */
    int roomForCompletion(int promptTokens) {
        return maxModelLength - promptTokens;
    }
}
