package dev.parley.bridge.pool;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The body of {@code POST /v1/chat/completions} as the OpenAI API (and vLLM, TGI, Ollama …) accept it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CompletionRequest(String model, List<ChatMessage> messages, @JsonProperty("max_tokens") Integer maxTokens,
                                boolean stream) {
}
