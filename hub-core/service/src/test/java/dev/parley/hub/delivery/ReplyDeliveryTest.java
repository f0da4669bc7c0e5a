package dev.parley.hub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.ChatReply;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.Topics;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.hub.KafkaProbe;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reply delivery through a platform adapter on real Kafka: retries honour the platform, dead letters say why. */
@QuarkusTest
class ReplyDeliveryTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    ScriptedTestAdapter adapter;

    private KafkaProbe replies;
    private KafkaProbe deadLetters;

    @BeforeEach
    void open() {
        adapter.script.clear();
        adapter.attempts.clear();
        replies = new KafkaProbe(bootstrap, Topics.REPLIES);
        deadLetters = new KafkaProbe(bootstrap, Topics.REPLIES_DLQ);
    }

    @AfterEach
    void close() {
        replies.close();
        deadLetters.close();
    }

    private static ChatReply reply(Platform platform, String text) {
        String conversation = "test:" + UUID.randomUUID();
        return new ChatReply(ChatReply.SCHEMA_VERSION, UUID.randomUUID().toString(), conversation,
                new ReplyRoute(platform, "test-bot", "chat-1", null, "m-1"), ReplyKind.FINAL, 0, text, "test", null,
                new ChatReply.Timings(Instant.now(), null, null, null));
    }

    private List<ConsumerRecord<String, String>> attemptsThenDeadLetters(ChatReply reply) {
        return deadLetters.await(r -> r.value().contains(reply.requestId()), 1, WAIT);
    }

    private static String reason(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader(Topics.HEADER_FAILURE_REASON);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private List<ScriptedTestAdapter.Attempt> attemptsFor(ChatReply reply, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            List<ScriptedTestAdapter.Attempt> mine = adapter.attempts.stream()
                    .filter(a -> a.message().requestId().equals(reply.requestId())).toList();
            if (mine.size() >= expected) {
                return mine;
            }
            Thread.sleep(100);
        }
        return adapter.attempts.stream().filter(a -> a.message().requestId().equals(reply.requestId())).toList();
    }

    @Test
    void aPlatformSaying429IsRetriedAfterTheDelayItAskedFor() throws Exception {
        adapter.script.add(new DeliveryOutcome.RetryLater(Duration.ofMillis(800), "429 Too Many Requests"));
        adapter.script.add(new DeliveryOutcome.RetryLater(Duration.ofMillis(800), "429 Too Many Requests"));
        ChatReply reply = reply(Platform.DISCORD, "third time lucky");

        replies.send(Topics.REPLIES, reply.conversationId(), reply);

        List<ScriptedTestAdapter.Attempt> attempts = attemptsFor(reply, 3);
        assertThat(attempts).hasSize(3);
        assertThat(Duration.between(attempts.get(0).at(), attempts.get(1).at())).isGreaterThanOrEqualTo(Duration.ofMillis(790));
        assertThat(Duration.between(attempts.get(1).at(), attempts.get(2).at())).isGreaterThanOrEqualTo(Duration.ofMillis(790));
        assertThat(attempts.get(2).message().markdown()).isEqualTo("third time lucky");
        assertThat(deadLetters.await(r -> r.value().contains(reply.requestId()), 1, Duration.ofSeconds(2))).isEmpty();
    }

    @Test
    void aReplyThePlatformRefusesForGoodIsDeadLetteredWithTheReason() throws Exception {
        adapter.script.add(new DeliveryOutcome.Failed("chat not found"));
        ChatReply reply = reply(Platform.DISCORD, "to nowhere");

        replies.send(Topics.REPLIES, reply.conversationId(), reply);

        List<ConsumerRecord<String, String>> dead = attemptsThenDeadLetters(reply);
        assertThat(dead).hasSize(1);
        assertThat(reason(dead.get(0))).contains("chat not found");
        assertThat(attemptsFor(reply, 1)).hasSize(1);
    }

    @Test
    void poisonRecordsAndUnsendableRepliesAreDeadLetteredAndDeliveryGoesOn() throws Exception {
        String poison = "{not a reply " + UUID.randomUUID();
        // A WhatsApp bot the registry does not know has no access token: its adapter refuses the reply for good.
        ChatReply unsendable = reply(Platform.WHATSAPP, "no credentials");
        ChatReply next = reply(Platform.DISCORD, "after the poison");

        replies.send(Topics.REPLIES, "k", poison);
        replies.send(Topics.REPLIES, unsendable.conversationId(), unsendable);
        replies.send(Topics.REPLIES, next.conversationId(), next);

        assertThat(attemptsFor(next, 1)).hasSize(1);
        List<ConsumerRecord<String, String>> dead = deadLetters.await(
                r -> r.value().contains(poison.substring(1)) || r.value().contains(unsendable.requestId()), 2, WAIT);
        assertThat(dead).hasSize(2);
        assertThat(dead).extracting(ReplyDeliveryTest::reason).anySatisfy(
                reason -> assertThat(reason).contains("the bot has no accessToken"));
    }
}
