package dev.parley.simulator.reply;

/** Why a sequence stopped, with the word OpenAI and vLLM use for it. */
public enum FinishReason {
    /** The reply was complete. */
    STOP("stop"),
    /** The request's {@code max_tokens} cut the reply short. */
    LENGTH("length"),
    /** The client went away before the reply was complete. */
    ABORT("abort");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
