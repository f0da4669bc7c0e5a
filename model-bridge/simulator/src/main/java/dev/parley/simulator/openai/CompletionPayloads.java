package dev.parley.simulator.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The OpenAI chat-completion shapes the replica sends, field for field as OpenAI names them. */
final class CompletionPayloads {

    private CompletionPayloads() {
    }

    record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                 @JsonProperty("completion_tokens") int completionTokens,
                 @JsonProperty("total_tokens") int totalTokens) {

        static Usage of(int promptTokens, int completionTokens) {
            return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
        }
    }

    record Message(String role, String content) {
    }

    record Choice(int index, Message message, @JsonProperty("finish_reason") String finishReason) {
    }

    record ChatCompletion(String id, String object, long created, String model, List<Choice> choices, Usage usage) {
    }

    /** The change a chunk adds to the message; the closing chunk's delta is empty, as OpenAI sends it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Delta(String role, String content) {
    }

    /** {@code finish_reason} is null, and written as null, on every chunk but the one that closes the choice. */
    record ChunkChoice(int index, Delta delta, @JsonProperty("finish_reason") String finishReason) {
    }

    /** {@code usage} appears only on the usage chunk, whose {@code choices} is empty. */
    record ChatCompletionChunk(String id, String object, long created, String model, List<ChunkChoice> choices,
                               @JsonInclude(JsonInclude.Include.NON_NULL) Usage usage) {
    }

    /**
     * OpenAI's error object. {@code code} is the HTTP status as a number, as vLLM writes it, or OpenAI's text
     * code such as {@code rate_limit_exceeded}; {@code param} is always written, null here.
     */
    record ErrorDetail(String message, String type, String param, Object code) {
    }

    record ErrorBody(ErrorDetail error) {
    }
}
