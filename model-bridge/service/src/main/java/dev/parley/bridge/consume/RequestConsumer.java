package dev.parley.bridge.consume;

import dev.parley.bridge.config.BridgeConfig;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.Topics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code parley.requests} as group {@code parley-bridge} and publishes each answer to
 * {@code parley.replies}, keyed by conversation. The request's offset is committed only after Kafka has the
 * reply, so a crash at any point means the request is answered again, never lost; records that fail anyway go
 * to {@code parley.requests.dlq}. While the model works, a typing hint goes out every {@code typing-interval}
 * (fire and forget: a lost hint costs nothing).
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
    private final Duration typingInterval;
    private final ScheduledExecutorService typing = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("parley-typing").daemon().factory());

    public RequestConsumer(RequestAnswerer answerer, @Channel("chat-replies") MutinyEmitter<ChatReply> replies,
                           BridgeConfig config) {
        this.answerer = answerer;
        this.replies = replies;
        this.typingInterval = config.typingInterval();
    }

    @Incoming("chat-requests")
    @Blocking
    public void onRequest(ChatRequest request) {
        if (request == null) {
            throw new IllegalArgumentException("request record is not a readable ChatRequest");
        }
        ScheduledFuture<?> hints = typingHints(request);
        ChatReply reply;
        try {
            reply = answerer.answer(request);
        } finally {
            if (hints != null) {
                hints.cancel(false);
            }
        }
        replies.sendMessage(Message.of(reply).addMetadata(keyed(reply))).await().atMost(REPLY_ACK_TIMEOUT);
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
