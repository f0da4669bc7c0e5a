package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.Objects;

/**
 * The model pool's answer to one {@link ChatRequest}: the record on Kafka topic {@link Topics#REPLIES}, keyed by
 * conversation id. The text is CommonMark; each adapter renders it to its platform's dialect.
 *
 * @param sequence 0 for a {@link ReplyKind#FINAL} reply; the order of pieces for {@link ReplyKind#CHUNK}s
 * @param model    the model that answered, or {@code null} for errors raised before a model was called
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatReply(
        int schemaVersion,
        String requestId,
        String conversationId,
        ReplyRoute route,
        ReplyKind kind,
        int sequence,
        String text,
        String model,
        Usage usage,
        Timings timings) {

    public static final int SCHEMA_VERSION = 1;

    public ChatReply {
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(conversationId, "conversation id");
        Objects.requireNonNull(route, "reply route");
        Objects.requireNonNull(kind, "reply kind");
        text = text == null ? "" : text;
    }

    /** Tokens the model counted for this answer. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Usage(int promptTokens, int completionTokens) {
    }

    /**
     * When the question moved through the pipeline, so that latency can be split into Parley's overhead and
     * model time. {@code modelFirstTokenAt} is {@code null} when the model call was not streamed.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Timings(Instant receivedAt, Instant bridgeStartedAt, Instant modelFirstTokenAt,
                          Instant modelFinishedAt) {
    }
}
