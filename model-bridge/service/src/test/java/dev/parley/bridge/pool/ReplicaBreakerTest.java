package dev.parley.bridge.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.bridge.pool.ReplicaBreaker.State;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.Test;

class ReplicaBreakerTest {

    /** A clock the test moves by hand, so cooldowns pass without sleeping. */
    private static final class ManualClock implements InstantSource {
        private Instant now = Instant.parse("2026-11-23T12:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final ReplicaBreaker breaker = new ReplicaBreaker(clock);

    @Test
    void closedLetsEveryRequestThrough() {
        for (int request = 0; request < 10; request++) {
            assertThat(breaker.tryAcquire()).isTrue();
        }
        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.coolingDown()).isFalse();
    }

    @Test
    void opensAfterThreeConsecutiveFailures() {
        fail(2);
        assertThat(breaker.state()).isEqualTo(State.CLOSED);

        fail(1);

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        assertThat(breaker.coolingDown()).isTrue();
        assertThat(breaker.tryAcquire()).isFalse();
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        fail(2);
        breaker.onSuccess();
        fail(2);

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void afterTheCooldownExactlyOneProbeGoes() {
        fail(3);
        clock.advance(Duration.ofMillis(4_999));
        assertThat(breaker.tryAcquire()).isFalse();

        clock.advance(Duration.ofMillis(1));

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.coolingDown()).as("routable until the probe is taken").isFalse();
        assertThat(breaker.tryAcquire()).as("the probe").isTrue();
        assertThat(breaker.tryAcquire()).as("a second request while the probe is out").isFalse();
        assertThat(breaker.coolingDown()).isTrue();
    }

    @Test
    void aSuccessfulProbeClosesAndResetsTheCooldown() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        breaker.tryAcquire();
        breaker.onFailure();
        clock.advance(Duration.ofSeconds(10));
        breaker.tryAcquire();

        breaker.onSuccess();

        assertThat(breaker.state()).isEqualTo(State.CLOSED);
        assertThat(breaker.tryAcquire()).isTrue();
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.state()).as("cooldown back to 5 s").isEqualTo(State.HALF_OPEN);
    }

    @Test
    void eachFailedProbeDoublesTheCooldownUpToAMinute() {
        fail(3);
        long[] expectedSeconds = {5, 10, 20, 40, 60, 60};

        for (long seconds : expectedSeconds) {
            clock.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertThat(breaker.state()).as("still open just before %d s", seconds).isEqualTo(State.OPEN);
            clock.advance(Duration.ofMillis(1));
            assertThat(breaker.tryAcquire()).as("probe after %d s", seconds).isTrue();
            breaker.onFailure();
        }
    }

    @Test
    void outcomesOfEarlierRequestsDoNotMoveAnOpenBreaker() {
        fail(3);
        clock.advance(Duration.ofSeconds(4));

        breaker.onFailure();
        breaker.onSuccess();

        assertThat(breaker.state()).isEqualTo(State.OPEN);
        clock.advance(Duration.ofSeconds(1));
        assertThat(breaker.state()).as("the late failure did not restart the cooldown").isEqualTo(State.HALF_OPEN);
    }

    @Test
    void anAbandonedProbeLetsTheNextRequestProbe() {
        fail(3);
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.tryAcquire()).isTrue();

        breaker.onAbandoned();

        assertThat(breaker.state()).isEqualTo(State.HALF_OPEN);
        assertThat(breaker.coolingDown()).isFalse();
        assertThat(breaker.tryAcquire()).isTrue();
    }

    @Test
    void thresholdAndCooldownsAreConfigurable() {
        ReplicaBreaker strict = new ReplicaBreaker(clock, 1, Duration.ofSeconds(1), Duration.ofSeconds(3));
        strict.tryAcquire();
        strict.onFailure();
        assertThat(strict.state()).isEqualTo(State.OPEN);

        for (long seconds : new long[] {1, 2, 3, 3}) {
            clock.advance(Duration.ofSeconds(seconds));
            assertThat(strict.tryAcquire()).as("probe after %d s", seconds).isTrue();
            strict.onFailure();
        }
    }

    private void fail(int times) {
        for (int i = 0; i < times; i++) {
            assertThat(breaker.tryAcquire()).isTrue();
            breaker.onFailure();
        }
    }
}
