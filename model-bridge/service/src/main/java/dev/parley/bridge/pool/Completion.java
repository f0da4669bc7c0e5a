package dev.parley.bridge.pool;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * One answer streamed from one replica, with the timings the pool and its metrics need.
 *
 * @param text              the concatenated {@code delta.content} pieces
 * @param model             the model the replica named in its chunks, or the requested one if it named none
 * @param usage             the token counts of the last chunk that had them; {@code null} when the server sent
 *                          none (an older server, or a stream cut off before its usage chunk)
 * @param finishReason      {@code stop}, {@code length} …; {@code null} if the stream ended with {@code [DONE]}
 *                          but never said why
 * @param timeToFirstToken  from sending the request to the first non-empty content piece; {@code null} for an
 *                          empty answer
 * @param total             from sending the request to the end of the stream
 */
public record Completion(String text, String model, Completion.Usage usage, String finishReason,
                         Duration timeToFirstToken, Duration total) {

    /** An OpenAI {@code usage} object; other fields (cached tokens, reasoning tokens …) are ignored. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
                        @JsonProperty("completion_tokens") int completionTokens) {
    }
}
