package dev.parley.hub.pipeline;

import dev.parley.contract.ChatReply;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.Topics;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Answers the hub gives itself (commands, limits, policies) travel the same way as the model's: a
 * {@link ChatReply} on {@code parley.replies}, so they are delivered, retried and deduplicated like any reply.
 */
@ApplicationScoped
public class HubReplies {

    private final MutinyEmitter<ChatReply> replies;

    public HubReplies(@Channel("hub-replies") MutinyEmitter<ChatReply> replies) {
        this.replies = replies;
    }

    public Uni<Void> answer(InboundMessage message, String conversationId, String markdown) {
        Instant now = Instant.now();
        ChatReply reply = new ChatReply(ChatReply.SCHEMA_VERSION, UUID.randomUUID().toString(), conversationId,
                message.replyRoute(), ReplyKind.FINAL, 0, markdown, null, null,
                new ChatReply.Timings(message.receivedAt(), null, null, now));
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.REPLIES).withKey(conversationId).build();
        return replies.sendMessage(Message.of(reply).addMetadata(key));
    }
}
