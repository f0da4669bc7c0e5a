package dev.parley.bridge.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The body of {@code POST /v1/chat/completions} as the OpenAI API (and vLLM, TGI, Ollama …) accept it.
 *
 * @param streamOptions only for a stream; left out of the JSON when {@code null}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompletionRequest(String model, List<ChatMessage> messages, @JsonProperty("max_tokens") Integer maxTokens,
                                boolean stream, @JsonProperty("stream_options") StreamOptions streamOptions) {

    /** @param includeUsage asks for a last chunk with empty {@code choices} and the token counts */
    public record StreamOptions(@JsonProperty("include_usage") boolean includeUsage) {
    }

    public CompletionRequest(String model, List<ChatMessage> messages, Integer maxTokens, boolean stream) {
        this(model, messages, maxTokens, stream, null);
    }

    /** This request as a stream whose last chunk carries the usage, which the bridge reports. */
    public CompletionRequest streamingWithUsage() {
        return new CompletionRequest(model, messages, maxTokens, true, new StreamOptions(true));
    }
}
