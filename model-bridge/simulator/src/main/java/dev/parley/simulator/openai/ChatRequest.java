package dev.parley.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.simulator.reply.ChatMessage;
import java.util.List;
import java.util.OptionalInt;

/**
 * The parts of an OpenAI chat-completion request the replica acts on.
 *
 * @param rawMessages  the {@code messages} array as sent, kept for the request log
 * @param model        the model the client named, or null
 * @param includeUsage {@code stream_options.include_usage}: end the stream with a usage chunk
 * @param maxTokens    {@code max_completion_tokens}, else {@code max_tokens}, when given
 */
record ChatRequest(JsonNode rawMessages, List<ChatMessage> messages, String model, boolean stream, boolean includeUsage,
                   OptionalInt maxTokens) {
}
