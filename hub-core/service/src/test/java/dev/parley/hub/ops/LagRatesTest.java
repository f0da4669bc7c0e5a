package dev.parley.hub.ops;

import static dev.parley.hub.ops.ConsumerStatusTest.history;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.parley.hub.ops.LagReport.GroupLag;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates, trend and time to drain over a window, and how a group sums its partitions. */
class LagRatesTest {

    private final ConsumerStatus status = new ConsumerStatus(10);

    @Test
    void ratesAreOffsetDeltasOverTheWindowsTime() {
        // 10 samples 5 s apart: 45 s. Consumed 90, produced 45.
        LagRates rates = LagRates.over(history(new Long[] {0L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L},
                new long[] {100, 105, 110, 115, 120, 125, 130, 135, 140, 145}, true));
        assertThat(rates.consumePerSecond()).isCloseTo(2.0, within(1e-9));
        assertThat(rates.producePerSecond()).isCloseTo(1.0, within(1e-9));
        assertThat(rates.trendPerSecond()).isCloseTo(-1.0, within(1e-9));
        // 55 left, gaining 1 a second.
        assertThat(rates.timeToDrainSeconds(55)).isCloseTo(55.0, within(1e-9));
    }

    @Test
    void aConsumerThatDoesNotGainNeverDrainsButNoLagIsDrained() {
        LagRates losing = new LagRates(40, 42);
        assertThat(losing.trendPerSecond()).isCloseTo(2.0, within(1e-9));
        assertThat(losing.timeToDrainSeconds(12)).isNull();
        assertThat(new LagRates(40, 40).timeToDrainSeconds(12)).isNull();
        assertThat(losing.timeToDrainSeconds(0)).isZero();
    }

    @Test
    void fewerThanTwoSamplesHaveNoRates() {
        assertThat(LagRates.over(history(new Long[] {3L}, new long[] {9}, true))).isEqualTo(LagRates.NONE);
        assertThat(LagRates.over(List.of())).isEqualTo(LagRates.NONE);
    }

    @Test
    void aGroupSumsMessagesAndRatesAndTakesItsWorstPartition() {
        Long[] moving = {0L, 10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L};
        Long[] stuck = {7L, 7L, 7L, 7L, 7L, 7L, 7L, 7L, 7L, 7L};
        long[] ends = {100, 105, 110, 115, 120, 125, 130, 135, 140, 145};
        long[] stuckEnds = {8, 8, 8, 8, 8, 8, 8, 8, 8, 8};
        GroupLag group = GroupLag.of(new WatchedGroup("parley-bridge", "parley.requests"),
                Map.of(1, history(stuck, stuckEnds, false), 0, history(moving, ends, true)), status);

        assertThat(group.partitions()).extracting(LagReport.PartitionLag::partition).containsExactly(0, 1);
        assertThat(group.partitions()).extracting(LagReport.PartitionLag::state)
                .containsExactly(ConsumerState.OK, ConsumerState.STOP);
        assertThat(group.state()).isEqualTo(ConsumerState.STOP);
        assertThat(group.lagMessages()).isEqualTo(55 + 1);
        assertThat(group.consumePerSecond()).isCloseTo(2.0, within(1e-9));
        assertThat(group.producePerSecond()).isCloseTo(1.0, within(1e-9));
        assertThat(group.timeToDrainSeconds()).isCloseTo(56.0, within(1e-9));
        assertThat(group.partitions().getFirst().history()).hasSize(10);
        assertThat(group.partitions().get(1).committedOffset()).isEqualTo(7L);
    }
}
