package dev.parley.hub.ops;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a few records at known offsets with a consumer that lives for one read: assigned rather than subscribed (it
 * joins no group and commits nothing, so it cannot disturb the groups it looks at), sought, and polled until each
 * partition gave what was asked or the time is up.
 */
final class RecordReader {

    /** Records of {@code partition} from offset {@code from} up to (without) {@code until}, at most {@code limit}. */
    record Span(TopicPartition partition, long from, long until, int limit) {
    }

    /** What one read may take; what is not read by then is missing from the answer and asked for again next time. */
    private static final Duration BUDGET = Duration.ofSeconds(2);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Supplier<Consumer<byte[], byte[]>> consumers;

    RecordReader(Supplier<Consumer<byte[], byte[]>> consumers) {
        this.consumers = consumers;
    }

    /** The records of each span, in offset order; spans on the same partition are read one after the other. */
    Map<Span, List<ConsumerRecord<byte[], byte[]>>> read(Collection<Span> spans) {
        Map<Span, List<ConsumerRecord<byte[], byte[]>>> read = new HashMap<>();
        if (spans.isEmpty()) {
            return read;
        }
        long deadline = System.nanoTime() + BUDGET.toNanos();
        List<Span> waiting = new ArrayList<>(spans);
        try (Consumer<byte[], byte[]> consumer = consumers.get()) {
            // A consumer has one position per partition: each pass takes at most one span of each.
            while (!waiting.isEmpty() && System.nanoTime() < deadline) {
                Map<TopicPartition, Span> pass = new HashMap<>();
                waiting.forEach(span -> pass.putIfAbsent(span.partition(), span));
                waiting.removeAll(pass.values());
                readPass(consumer, pass, read, deadline);
            }
        }
        return read;
    }

    private static void readPass(Consumer<byte[], byte[]> consumer, Map<TopicPartition, Span> pass,
                                 Map<Span, List<ConsumerRecord<byte[], byte[]>>> read, long deadline) {
        consumer.assign(pass.keySet());
        // A partition keeps being paused across assign() calls; the last pass may have paused one of these.
        consumer.resume(consumer.paused());
        pass.forEach((partition, span) -> {
            consumer.seek(partition, span.from());
            read.put(span, new ArrayList<>());
        });
        Map<TopicPartition, Span> open = new HashMap<>(pass);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                Span span = open.get(new TopicPartition(record.topic(), record.partition()));
                if (span != null && record.offset() < span.until() && read.get(span).size() < span.limit()) {
                    read.get(span).add(record);
                }
            }
            open.values().removeIf(span -> read.get(span).size() >= span.limit()
                    || consumer.position(span.partition()) >= span.until());
            consumer.pause(pass.keySet().stream().filter(partition -> !open.containsKey(partition)).toList());
        }
    }
}
