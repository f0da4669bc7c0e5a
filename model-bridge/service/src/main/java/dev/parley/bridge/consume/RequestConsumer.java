package dev.parley.bridge.consume;

import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.Topics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code parley.requests} as group {@code parley-bridge} and publishes each answer to
 * {@code parley.replies}, keyed by conversation. The request's offset is committed only after Kafka has the
 * reply, so a crash at any point means the request is answered again, never lost; records that fail anyway go
 * to {@code parley.requests.dlq}.
 *
 * <p>Not finished: records are answered one at a time per channel, in order. Keyed concurrency (different
 * conversations of one partition in parallel) and backpressure from the pool's capacity arrive with the
 * model-bridge issue.
 */
@ApplicationScoped
public class RequestConsumer {

    private static final Duration REPLY_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final RequestAnswerer answerer;
    private final MutinyEmitter<ChatReply> replies;

    public RequestConsumer(RequestAnswerer answerer, @Channel("chat-replies") MutinyEmitter<ChatReply> replies) {
        this.answerer = answerer;
        this.replies = replies;
    }

    @Incoming("chat-requests")
    @Blocking
    public void onRequest(ChatRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request record is not a readable ChatRequest");
        }
        ChatReply reply = answerer.answer(request);
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.REPLIES).withKey(reply.conversationId()).build();
        replies.sendMessage(Message.of(reply).addMetadata(key)).await().atMost(REPLY_ACK_TIMEOUT);
    }
}
