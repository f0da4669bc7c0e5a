package dev.parley.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.infinispan.client.hotrod.exceptions.TransportException;
import org.junit.jupiter.api.Test;

class OutageRetryTest {

    private final List<Duration> pauses = new ArrayList<>();
    private final OutageRetry retry = new OutageRetry(Duration.ofSeconds(10), Duration.ofMillis(500),
            Duration.ofSeconds(2), pauses::add);

    @Test
    void anAnswerFailingWhileTheGridIsDownIsTriedAgainWithGrowingPausesUntilItWorks() {
        AtomicInteger attempts = new AtomicInteger();
        String answer = retry.run("r1", () -> {
            if (attempts.incrementAndGet() < 5) {
                throw new IllegalStateException("wrapped", new TransportException("Connection refused", null));
            }
            return "answered";
        });
        assertThat(answer).isEqualTo("answered");
        assertThat(attempts).hasValue(5);
        assertThat(pauses).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(2));
    }

    @Test
    void anOutageLongerThanTheBudgetEndsInTheFailureSoTheRecordGoesToTheDeadLetterTopic() {
        TransportException down = new TransportException("Connection refused", null);
        assertThatThrownBy(() -> retry.run("r2", () -> {
            throw down;
        })).isSameAs(down);
        assertThat(pauses.stream().mapToLong(Duration::toMillis).sum()).isLessThanOrEqualTo(10_000);
        assertThat(pauses).hasSizeGreaterThan(3);
    }

    @Test
    void otherFailuresAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> retry.run("r3", () -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("a request the bridge cannot answer");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThat(attempts).hasValue(1);
        assertThat(pauses).isEmpty();
        assertThat(OutageRetry.isOutage(new org.apache.kafka.common.errors.TimeoutException("no ack"))).isTrue();
        assertThat(OutageRetry.isOutage(new io.smallrye.mutiny.TimeoutException())).isTrue();
    }
}
