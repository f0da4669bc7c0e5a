package dev.parley.loadtest;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ChatReply;
import dev.parley.contract.ContractJson;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads every final {@code ChatReply} on {@code parley.replies} in a consumer group of its own (it takes nothing from
 * the hub's group) and notes the model's time for the message it answers, from the bridge's timings (model
 * finished − bridge started), so latency can be split into model time and Parley's overhead.
 */
final class ReplyTap implements AutoCloseable {

    private final ObjectMapper json = ContractJson.newMapper();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Ledger ledger;
    private final Thread thread;
    private volatile boolean running = true;

    ReplyTap(String bootstrap, String runId, Ledger ledger) {
        this.ledger = ledger;
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "parley-loadtest-" + runId);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "true");
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.REPLIES));
        consumer.poll(Duration.ofSeconds(5)); // joins the group before traffic starts
        this.thread = Thread.ofPlatform().daemon().name("reply-tap").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    read(record.value(), record.timestamp());
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // Kafka restarting (chaos): the client reconnects by itself; keep polling.
            }
        }
    }

    private void read(byte[] value, long timestampMillis) {
        try {
            ChatReply reply = json.readValue(value, ChatReply.class);
            ChatReply.Timings timings = reply.timings();
            if (reply.kind() == ReplyKind.FINAL && timings != null && timings.bridgeStartedAt() != null
                    && timings.modelFinishedAt() != null) {
                ledger.replyTimings(reply.text(), timings.receivedAt(), timings.bridgeStartedAt(),
                        timings.modelFinishedAt(), timestampMillis);
            }
        } catch (java.io.IOException e) {
            // Not a ChatReply of this schema: not ours to judge here.
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
