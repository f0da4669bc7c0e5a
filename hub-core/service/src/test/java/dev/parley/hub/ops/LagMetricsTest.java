package dev.parley.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.hub.ops.LagReport.DeadLetters;
import dev.parley.hub.ops.LagReport.GroupLag;
import dev.parley.hub.ops.LagReport.PartitionLag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The gauges follow the latest report: one-hot states, NaN where nothing is known. */
class LagMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LagMetrics metrics = new LagMetrics(meters);

    private static LagReport report(ConsumerState state, long lag, Double timeToDrain, List<DeadLetters> dead) {
        PartitionLag partition = new PartitionLag(3, 100, 100 - lag, lag, 2.5, state, List.of());
        return new LagReport(Instant.now(), 5, List.of(new GroupLag("parley-bridge", "parley.requests", lag, 2.5, 1,
                2, 1, timeToDrain, state, List.of(partition))), dead);
    }

    private double gauge(String name, String... tags) {
        return meters.get(name).tags(tags).gauge().value();
    }

    @Test
    void gaugesReadTheLatestReport() {
        metrics.update(report(ConsumerState.STALL, 12, null,
                List.of(new DeadLetters("parley.requests.dlq", 3, List.of()))));

        assertThat(gauge("parley_kafka_lag_messages", "group", "parley-bridge", "partition", "3")).isEqualTo(12);
        assertThat(gauge("parley_kafka_lag_seconds", "group", "parley-bridge", "partition", "3")).isEqualTo(2.5);
        assertThat(gauge("parley_kafka_group_lag_messages", "group", "parley-bridge", "topic", "parley.requests"))
                .isEqualTo(12);
        assertThat(gauge("parley_kafka_time_to_drain_seconds", "group", "parley-bridge")).isNaN();
        assertThat(gauge("parley_kafka_consumer_state", "partition", "3", "state", "STALL")).isEqualTo(1);
        assertThat(gauge("parley_kafka_consumer_state", "partition", "3", "state", "OK")).isZero();
        assertThat(gauge("parley_kafka_dlq_records", "topic", "parley.requests.dlq")).isEqualTo(3);

        metrics.update(report(ConsumerState.OK, 0, 0.0, List.of()));

        assertThat(gauge("parley_kafka_consumer_state", "partition", "3", "state", "STALL")).isZero();
        assertThat(gauge("parley_kafka_consumer_state", "partition", "3", "state", "OK")).isEqualTo(1);
        assertThat(gauge("parley_kafka_time_to_drain_seconds", "group", "parley-bridge")).isZero();
        assertThat(gauge("parley_kafka_dlq_records", "topic", "parley.requests.dlq")).isNaN();
        assertThat(meters.find("parley_kafka_consumer_state").gauges()).hasSize(ConsumerState.values().length);
    }
}
