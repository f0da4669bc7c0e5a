package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ReplicaLoadTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Duration STALE_AFTER = Duration.ofSeconds(2);

    @Test
    void loadCountsOurRequestsAndTheRunningBatchOnceAndAddsTheQueue() {
        assertThat(load(3, 0, 0).load()).as("sent since the last scrape").isEqualTo(3);
        assertThat(load(3, 0, 5).load()).as("another client's requests running too").isEqualTo(5);
        assertThat(load(3, 2, 3).load()).as("queue behind a full batch").isEqualTo(5);
    }

    @Test
    void staleOnlyWhenOlderThanTheLimitOrNeverScraped() {
        assertThat(scrapedAt(NOW.minus(STALE_AFTER)).stale(NOW, STALE_AFTER)).isFalse();
        assertThat(scrapedAt(NOW.minus(STALE_AFTER).minusMillis(1)).stale(NOW, STALE_AFTER)).isTrue();
        assertThat(scrapedAt(null).stale(NOW, STALE_AFTER)).isTrue();
    }

    @Test
    void saturatedWhenStaleKvCacheFullOrNoSlotLeft() {
        assertThat(new ReplicaLoad("r", 4, 3, 0, 0, 0.95, NOW, true, false).saturated(NOW, STALE_AFTER, 0.95)).isFalse();
        assertThat(new ReplicaLoad("r", 4, 3, 0, 0, 0.96, NOW, true, false).saturated(NOW, STALE_AFTER, 0.95)).isTrue();
        assertThat(new ReplicaLoad("r", 4, 3, 1, 0, 0.10, NOW, true, false).saturated(NOW, STALE_AFTER, 0.95)).isTrue();
        assertThat(scrapedAt(null).saturated(NOW, STALE_AFTER, 0.95)).isTrue();
    }

    @Test
    void routableOnlyWhenReadyAndNotCoolingDown() {
        assertThat(new ReplicaLoad("r", 4, 0, 0, 0, 0, NOW, true, false).routable()).isTrue();
        assertThat(new ReplicaLoad("r", 4, 0, 0, 0, 0, NOW, false, false).routable()).isFalse();
        assertThat(new ReplicaLoad("r", 4, 0, 0, 0, 0, NOW, true, true).routable()).isFalse();
    }

    @Test
    void rejectsImpossibleSnapshots() {
        assertThatThrownBy(() -> new ReplicaLoad("r", 0, 0, 0, 0, 0, NOW, true, false)).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new ReplicaLoad("r", 4, -1, 0, 0, 0, NOW, true, false)).hasMessageContaining("negative");
        assertThatThrownBy(() -> new ReplicaLoad("r", 4, 0, 0, 0, Double.NaN, NOW, true, false)).hasMessageContaining("KV");
        assertThatThrownBy(() -> new ReplicaLoad("r", 4, 0, 0, 0, 1.01, NOW, true, false)).hasMessageContaining("KV");
    }

    private static ReplicaLoad load(int inFlight, int waiting, int running) {
        return new ReplicaLoad("r", 64, inFlight, waiting, running, 0.1, NOW, true, false);
    }

    private static ReplicaLoad scrapedAt(Instant scrapedAt) {
        return new ReplicaLoad("r", 64, 0, 0, 0, 0.1, scrapedAt, true, false);
    }
}
