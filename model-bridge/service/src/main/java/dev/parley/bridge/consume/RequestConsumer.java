package dev.parley.bridge.consume;

import dev.parley.bridge.config.BridgeConfig;
import dev.parley.bridge.pool.ModelPool;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.Topics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code parley.requests} as group {@code parley-bridge} and publishes each answer to
 * {@code parley.replies}, keyed by conversation.
 *
 * <p>Records go through {@link ConversationLanes}: one conversation's requests strictly in order, different
 * conversations of the same partition at the same time, a virtual thread each. The next record is taken from Kafka
 * only when the lanes admit one, that is while the model pool has a free slot; otherwise records wait in Kafka, as
 * lag. A record is acknowledged when its reply is on Kafka, and the throttled commit strategy commits a partition
 * only up to its lowest unacknowledged record, so a crash at any point means the request is answered again (from
 * the stored history when it was answered already), never lost. Records that fail anyway go to
 * {@code parley.requests.dlq}.
 *
 * <p>While the model works a typing hint goes out every {@code typing-interval}, and the answer's text so far every
 * {@code stream-interval} as a {@code chunk} reply (fire and forget: a lost hint or piece costs nothing, the final
 * reply carries the whole text).
 */
@ApplicationScoped
public class RequestConsumer {

    private static final Duration REPLY_ACK_TIMEOUT = Duration.ofSeconds(30);

    private final RequestAnswerer answerer;
    private final MutinyEmitter<ChatReply> replies;
    private final Duration typingInterval;
    private final Duration streamInterval;
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final ConversationLanes lanes;
    private final OutageRetry outages = OutageRetry.standard();
    private final ScheduledExecutorService typing = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-typing").daemon().factory());

    public RequestConsumer(RequestAnswerer answerer, @Channel("chat-replies") MutinyEmitter<ChatReply> replies,
                           BridgeConfig config, ModelPool pool, MeterRegistry meters) {
        this.answerer = answerer;
        this.replies = replies;
        this.typingInterval = config.typingInterval();
        this.streamInterval = config.streamInterval();
        this.lanes = new ConversationLanes(workers, 0);
        pool.onCapacity(lanes::capacity);
        Gauge.builder("parley_bridge_requests_in_flight", lanes, ConversationLanes::inFlight)
                .description("Requests admitted from Kafka and not yet answered").register(meters);
        Gauge.builder("parley_bridge_admission_capacity", lanes, ConversationLanes::capacity)
                .description("Requests the model pool can take at once; Kafka is read only below it").register(meters);
    }

    void stop(@Observes ShutdownEvent stopping) {
        workers.shutdownNow();
        typing.shutdownNow();
    }

    @Incoming("chat-requests")
    public CompletionStage<Void> onRequest(Message<ChatRequest> record) {
        ChatRequest request = record.getPayload();
        if (request == null) {
            return record.nack(new IllegalArgumentException("request record is not a readable ChatRequest"));
        }
        ConversationLanes.Admission admission = lanes.admit(request.conversationId(), () -> answer(request));
        admission.done().whenComplete((ignored, failure) -> {
            if (failure == null) {
                record.ack();
            } else {
                record.nack(failure);
            }
        });
        // Returning only once admitted is the backpressure: the next record is read when a slot is free.
        return admission.admitted().thenCompose(admitted -> CompletableFuture.completedFuture(null));
    }

    private void answer(ChatRequest request) {
        outages.run(request.requestId(), () -> {
            ScheduledFuture<?> hints = typingHints(request);
            ChatReply reply;
            try {
                reply = answerer.answer(request, pieces(request));
            } finally {
                if (hints != null) {
                    hints.cancel(false);
                }
            }
            replies.sendMessage(Message.of(reply).addMetadata(keyed(reply))).await().atMost(REPLY_ACK_TIMEOUT);
            return reply;
        });
    }

    /** Publishes the text so far at most every {@code stream-interval}, each piece with the next sequence number. */
    private Consumer<String> pieces(ChatRequest request) {
        if (streamInterval.isZero()) {
            return text -> { };
        }
        AtomicInteger sequence = new AtomicInteger();
        long[] lastSent = {System.nanoTime()};
        return text -> {
            long now = System.nanoTime();
            if (now - lastSent[0] < streamInterval.toNanos()) {
                return;
            }
            lastSent[0] = now;
            ChatReply piece = new ChatReply(ChatReply.SCHEMA_VERSION, request.requestId(), request.conversationId(),
                    request.route(), ReplyKind.CHUNK, sequence.getAndIncrement(), text, null, null, null);
            replies.sendMessageAndForget(Message.of(piece).addMetadata(keyed(piece)));
        };
    }

    private ScheduledFuture<?> typingHints(ChatRequest request) {
        if (typingInterval.isZero()) {
            return null;
        }
        AtomicInteger sequence = new AtomicInteger();
        Runnable hint = () -> {
            ChatReply typingHint = new ChatReply(ChatReply.SCHEMA_VERSION, request.requestId(), request.conversationId(),
                    request.route(), ReplyKind.TYPING, sequence.getAndIncrement(), "", null, null, null);
            replies.sendMessageAndForget(Message.of(typingHint).addMetadata(keyed(typingHint)));
        };
        // The first hint from this thread, so it is on the partition before the answer however fast the model is.
        hint.run();
        return typing.scheduleAtFixedRate(hint, typingInterval.toMillis(), typingInterval.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private static OutgoingKafkaRecordMetadata<String> keyed(ChatReply reply) {
        return OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(Topics.REPLIES).withKey(reply.conversationId()).build();
    }
}
