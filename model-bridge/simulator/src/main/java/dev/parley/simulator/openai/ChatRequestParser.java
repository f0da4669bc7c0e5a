package dev.parley.simulator.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.simulator.reply.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/** Reads a chat-completion request body, or says what is wrong with it in a message a client developer can act on. */
final class ChatRequestParser {

    /** Either a request to serve or the reason it is refused. */
    sealed interface Result {
    }

    record Accepted(ChatRequest request) implements Result {
    }

    record Rejected(String reason) implements Result {
    }

    private final ObjectMapper json;

    ChatRequestParser(ObjectMapper json) {
        this.json = json;
    }

    /** Parses {@code body}, which is null when the request had none. */
    Result parse(String body) {
        if (body == null || body.isBlank()) {
            return new Rejected("The request body must be a JSON object.");
        }
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            return new Rejected("The request body is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            return new Rejected("The request body must be a JSON object.");
        }
        JsonNode rawMessages = root.path("messages");
        if (!rawMessages.isArray() || rawMessages.isEmpty()) {
            return new Rejected("'messages' must be a non-empty array.");
        }
        List<ChatMessage> messages = new ArrayList<>(rawMessages.size());
        for (int i = 0; i < rawMessages.size(); i++) {
            JsonNode message = rawMessages.get(i);
            if (!message.path("role").isTextual()) {
                return new Rejected("'messages[%d]' must be an object with a string 'role'.".formatted(i));
            }
            messages.add(new ChatMessage(message.get("role").asText(), text(message.path("content"))));
        }
        JsonNode stream = root.path("stream");
        if (!stream.isMissingNode() && !stream.isNull() && !stream.isBoolean()) {
            return new Rejected("'stream' must be a boolean.");
        }
        OptionalInt maxTokens = OptionalInt.empty();
        // Both spellings are accepted; like vLLM, the newer max_completion_tokens wins when both are given.
        for (String field : List.of("max_tokens", "max_completion_tokens")) {
            JsonNode limit = root.path(field);
            if (limit.isMissingNode() || limit.isNull()) {
                continue;
            }
            if (!limit.isIntegralNumber() || !limit.canConvertToInt() || limit.asInt() < 1) {
                return new Rejected("'%s' must be an integer of at least 1.".formatted(field));
            }
            maxTokens = OptionalInt.of(limit.asInt());
        }
        JsonNode model = root.path("model");
        return new Accepted(new ChatRequest(
                rawMessages,
                List.copyOf(messages),
                model.isTextual() ? model.asText() : null,
                stream.asBoolean(false),
                root.path("stream_options").path("include_usage").asBoolean(false),
                maxTokens));
    }

    // Content is a string, or for multimodal clients an array of parts of which only the text parts matter here.
    private static String text(JsonNode content) {
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                text.append(text.isEmpty() ? "" : " ").append(part.get("text").asText());
            }
        }
        return text.toString();
    }
}
