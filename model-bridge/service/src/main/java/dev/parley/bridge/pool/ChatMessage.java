package dev.parley.bridge.pool;

/** One entry of an OpenAI chat completion's {@code messages}. */
public record ChatMessage(String role, String content) {
    public static final String SYSTEM = "system";
}
