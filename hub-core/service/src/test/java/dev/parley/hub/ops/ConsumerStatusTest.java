package dev.parley.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Burrow's rules on seeded histories, one sample every 5 s and a window of 10, as configured by default. */
class ConsumerStatusTest {

    private static final int WINDOW = 10;
    private static final Instant START = Instant.parse("2026-11-23T13:00:00Z");

    private final ConsumerStatus status = new ConsumerStatus(WINDOW);

    /** Samples with the given committed offsets (null: none yet) and log ends; the log starts at 0. */
    static List<PartitionSample> history(Long[] committed, long[] logEnd, boolean owned) {
        List<PartitionSample> samples = new ArrayList<>();
        for (int i = 0; i < committed.length; i++) {
            samples.add(new PartitionSample(START.plus(Duration.ofSeconds(5L * i)), 0, logEnd[i],
                    committed[i] == null ? OptionalLong.empty() : OptionalLong.of(committed[i]), 0, owned));
        }
        return samples;
    }

    private static Long[] repeat(long value, int times) {
        return IntStream.range(0, times).mapToObj(i -> value).toArray(Long[]::new);
    }

    private static long[] repeatEnd(long value, int times) {
        return IntStream.range(0, times).mapToLong(i -> value).toArray();
    }

    @Test
    void aLagOfOneThatDoesNotMoveIsStallWhileAMemberOwnsThePartitionAndStopWhenNobodyDoes() {
        assertThat(status.evaluate(history(repeat(41, WINDOW), repeatEnd(42, WINDOW), true)))
                .isEqualTo(ConsumerState.STALL);
        assertThat(status.evaluate(history(repeat(41, WINDOW), repeatEnd(42, WINDOW), false)))
                .isEqualTo(ConsumerState.STOP);
    }

    @Test
    void aConsumerThatDoesNotMoveWhileRecordsKeepComingIsStopped() {
        // The log end moves in some samples only; the committed offset never does.
        long[] ends = {100, 100, 103, 103, 103, 110, 110, 110, 110, 111};
        assertThat(status.evaluate(history(repeat(90, WINDOW), ends, false))).isEqualTo(ConsumerState.STOP);
    }

    @Test
    void aGroupThatNeverCommittedWhileRecordsWaitIsStopped() {
        assertThat(status.evaluate(history(new Long[WINDOW], repeatEnd(3, WINDOW), false)))
                .isEqualTo(ConsumerState.STOP);
    }

    @Test
    void aLagOfZeroInAnySampleOfTheWindowIsOk() {
        Long[] committed = repeat(50, WINDOW);
        long[] ends = repeatEnd(57, WINDOW);
        ends[6] = 50;
        assertThat(status.evaluate(history(committed, ends, false))).isEqualTo(ConsumerState.OK);
    }

    @Test
    void onlyTheWindowCounts() {
        // Caught up in the first sample, stuck for the ten after it: the zero has left the window.
        Long[] committed = repeat(50, WINDOW + 1);
        long[] ends = repeatEnd(51, WINDOW + 1);
        ends[0] = 50;
        assertThat(status.evaluate(history(committed, ends, false))).isEqualTo(ConsumerState.STOP);
        assertThat(status.evaluate(history(committed, ends, false).subList(0, WINDOW)))
                .isEqualTo(ConsumerState.OK);
    }

    @Test
    void beforeTheWindowIsFullNothingButErrIsClaimed() {
        assertThat(status.evaluate(history(repeat(41, WINDOW - 1), repeatEnd(42, WINDOW - 1), false)))
                .isEqualTo(ConsumerState.OK);
        assertThat(status.evaluate(List.of())).isEqualTo(ConsumerState.OK);
    }

    @Test
    void offsetsThatAdvanceWhileTheLagNeverFallsWarn() {
        Long[] committed = {10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L};
        long[] growing = {15, 26, 37, 48, 59, 70, 81, 92, 103, 114};
        assertThat(status.evaluate(history(committed, growing, true))).isEqualTo(ConsumerState.WARN);
        // An unchanged lag is not decreasing either (Burrow rule 5).
        long[] level = {15, 25, 35, 45, 55, 65, 75, 85, 95, 105};
        assertThat(status.evaluate(history(committed, level, true))).isEqualTo(ConsumerState.WARN);
    }

    @Test
    void aLagThatFallsOnceIsOk() {
        Long[] committed = {10L, 20L, 30L, 40L, 50L, 60L, 70L, 80L, 90L, 100L};
        long[] ends = {15, 26, 37, 48, 59, 62, 81, 92, 103, 114};
        assertThat(status.evaluate(history(committed, ends, true))).isEqualTo(ConsumerState.OK);
    }

    @Test
    void aCommittedOffsetBelowTheLogStartIsAnErrorAtOnce() {
        PartitionSample lost = new PartitionSample(START, 120, 130, OptionalLong.of(100), 0, true);
        assertThat(lost.lagMessages()).isEqualTo(30);
        assertThat(status.evaluate(List.of(lost))).isEqualTo(ConsumerState.ERR);
    }

    @Test
    void aRewindCountsAsMovementAndWarnsUntilTheLagFalls() {
        Long[] committed = {500L, 500L, 500L, 0L, 0L, 0L, 0L, 0L, 0L, 0L};
        assertThat(status.evaluate(history(committed, repeatEnd(510, WINDOW), true))).isEqualTo(ConsumerState.WARN);
    }

    @Test
    void aWindowOfOneSampleCannotShowProgress() {
        assertThatThrownBy(() -> new ConsumerStatus(1)).hasMessageContaining("parley.ops.window");
    }
}
