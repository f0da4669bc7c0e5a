package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A question for the model pool: the record on Kafka topic {@link Topics#REQUESTS}, keyed by
 * {@code conversationId} so that one conversation's requests stay in order.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written; readers accept older versions they know
 * @param requestId     unique per question; the bridge uses it to answer each question at most once
 * @param userId        the unified user id (the same person on every linked platform)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatRequest(
        int schemaVersion,
        String requestId,
        String conversationId,
        String userId,
        ReplyRoute route,
        String text,
        List<Attachment> attachments,
        Instant receivedAt) {

    public static final int SCHEMA_VERSION = 1;

    public ChatRequest {
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(conversationId, "conversation id");
        Objects.requireNonNull(userId, "user id");
        Objects.requireNonNull(route, "reply route");
        Objects.requireNonNull(receivedAt, "received at");
        text = text == null ? "" : text;
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }
}
