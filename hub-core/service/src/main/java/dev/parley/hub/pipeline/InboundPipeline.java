package dev.parley.hub.pipeline;

import dev.parley.contract.ChatRequest;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.jboss.logging.Logger;

/**
 * Takes a normalised message from any adapter to Kafka: drop redeliveries, turn it into a {@link ChatRequest} and
 * produce it keyed by conversation. The returned {@link Uni} completes only after Kafka acknowledged the record
 * (acks=all, idempotent producer); that is when the adapter may acknowledge the platform.
 */
@ApplicationScoped
public class InboundPipeline {

    /** What became of an inbound message. */
    public enum Acceptance {
        /** Durably in Kafka. */
        ENQUEUED,
        /** A redelivery of a message already in Kafka; acknowledge, nothing more. */
        DUPLICATE,
        /** A redelivery racing the first copy on another node; the platform should retry shortly. */
        IN_FLIGHT
    }

    private static final Logger LOG = Logger.getLogger(InboundPipeline.class);

    private final MutinyEmitter<ChatRequest> requests;
    private final Deduplication deduplication;
    private final MeterRegistry meters;

    public InboundPipeline(@Channel("chat-requests") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 8192)
                           MutinyEmitter<ChatRequest> requests, Deduplication deduplication, MeterRegistry meters) {
        this.requests = requests;
        this.deduplication = deduplication;
        this.meters = meters;
    }

    public Uni<Acceptance> accept(InboundMessage message) {
        String platform = message.platform().id();
        meters.counter("parley_messages_received", "platform", platform, "bot", message.botId()).increment();
        String dedupKey = message.dedupKey();
        return deduplication.claim(dedupKey).flatMap(claim -> switch (claim) {
            case DUPLICATE -> {
                meters.counter("parley_messages_deduplicated", "platform", platform, "bot", message.botId()).increment();
                yield Uni.createFrom().item(Acceptance.DUPLICATE);
            }
            case IN_FLIGHT -> Uni.createFrom().item(Acceptance.IN_FLIGHT);
            case FIRST -> enqueue(message)
                    .call(() -> deduplication.confirm(dedupKey))
                    .map(ignored -> {
                        meters.counter("parley_messages_enqueued", "platform", platform, "bot", message.botId())
                                .increment();
                        return Acceptance.ENQUEUED;
                    })
                    .onFailure().call(failure -> {
                        LOG.warnf("Kafka did not take message %s: %s", dedupKey, failure.toString());
                        return deduplication.release(dedupKey).onFailure().recoverWithNull();
                    });
        });
    }

    private Uni<Void> enqueue(InboundMessage message) {
        String conversationId = ConversationIds.of(message);
        ChatRequest request = new ChatRequest(ChatRequest.SCHEMA_VERSION, UUID.randomUUID().toString(), conversationId,
                ConversationIds.userOf(message), message.replyRoute(), message.text(), message.attachments(),
                message.receivedAt());
        OutgoingKafkaRecordMetadata<String> key = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.REQUESTS).withKey(conversationId).build();
        return requests.sendMessage(Message.of(request).addMetadata(key));
    }
}
