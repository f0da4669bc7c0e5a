package dev.parley.bridge.session;

import org.infinispan.protostream.annotations.Proto;

/**
 * One message in a conversation's history: who said it ({@link #USER} or {@link #ASSISTANT}), the text, and the
 * request it belongs to, so a redelivered request is recognised as already answered.
 */
@Proto
public record Turn(String role, String text, String requestId, long atEpochMillis) {
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    /** Rough token count: about four characters per token for English text, enough for a budget. */
    public int approxTokens() {
        return (text.length() + 3) / 4 + 4;
    }
}
