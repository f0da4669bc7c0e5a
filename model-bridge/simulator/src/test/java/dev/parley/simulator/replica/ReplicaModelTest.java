package dev.parley.simulator.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicaModelTest {

    private static ReplicaModel model(double prefillTokensPerSecond, double tokensPerSecond, double batchSlowdown) {
        return new ReplicaModel(256, 256, 16_384, Duration.ofMillis(200), prefillTokensPerSecond, tokensPerSecond, batchSlowdown,
                true, 16_384);
    }

    @Test
    void aSequenceAloneDecodesAtTheConfiguredSpeed() {
        assertThat(model(4000, 40, 0.02).decodeTokensPerSecond(1)).isEqualTo(40.0);
    }

    @Test
    void eachSequenceSlowsDownAsTheBatchGrows() {
        ReplicaModel model = model(4000, 40, 0.02);

        assertThat(model.decodeTokensPerSecond(2)).isCloseTo(40 / 1.02, within(1e-9));
        assertThat(model.decodeTokensPerSecond(8)).isCloseTo(40 / 1.14, within(1e-9));
        assertThat(model.decodeTokensPerSecond(256)).isCloseTo(40 / 6.1, within(1e-9));
        for (int running = 1; running < 256; running++) {
            assertThat(model.decodeTokensPerSecond(running + 1)).isLessThan(model.decodeTokensPerSecond(running));
        }
    }

    @Test
    void theReplicasTotalThroughputGrowsButSaturatesAtSpeedOverSlowdown() {
        ReplicaModel model = model(4000, 40, 0.02);

        double previous = 0;
        for (int running = 1; running <= 1024; running++) {
            double total = running * model.decodeTokensPerSecond(running);
            assertThat(total).isGreaterThan(previous).isLessThan(40 / 0.02);
            previous = total;
        }
        assertThat(previous).isGreaterThan(0.95 * 40 / 0.02);
    }

    @Test
    void withoutSlowdownEverySequenceKeepsItsSpeed() {
        assertThat(model(4000, 40, 0).decodeTokensPerSecond(100)).isEqualTo(40.0);
    }

    @Test
    void zeroSpeedMeansInstantDecoding() {
        assertThat(model(4000, 0, 0.02).decodeTokensPerSecond(3)).isInfinite();
    }

    @Test
    void prefillTimeIsProportionalToTokens() {
        ReplicaModel model = model(4000, 40, 0.02);

        assertThat(model.prefillNanos(4000)).isEqualTo(1_000_000_000L);
        assertThat(model.prefillNanos(100)).isEqualTo(25_000_000L);
        assertThat(model.prefillNanos(0)).isZero();
        assertThat(model(0, 40, 0.02).prefillNanos(100_000)).isZero();
    }

    @Test
    void refusesAnImpossibleReplica() {
        assertThatThrownBy(() -> new ReplicaModel(0, 1, 1, Duration.ZERO, 0, 0, 0, true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaModel(1, -1, 1, Duration.ZERO, 0, 0, 0, true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaModel(1, 1, 0, Duration.ZERO, 0, 0, 0, true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaModel(1, 1, 1, Duration.ofMillis(-1), 0, 0, 0, true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaModel(1, 1, 1, Duration.ZERO, 0, 0, -0.5, true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaModel(1, 1, 1, Duration.ZERO, 0, Double.NaN, 0, true, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReplicaModel(1, 1, 1, Duration.ZERO, 0, 0, 0, true, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
