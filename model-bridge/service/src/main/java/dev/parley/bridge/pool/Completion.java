package dev.parley.bridge.pool;

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
public record Completion(String text, String model, CompletionResponse.Usage usage, String finishReason,
                         Duration timeToFirstToken, Duration total) {
}
