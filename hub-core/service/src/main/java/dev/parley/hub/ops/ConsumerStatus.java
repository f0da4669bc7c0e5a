package dev.parley.hub.ops;

import java.util.List;

/**
 * Judges a consumer group on one partition from its recent samples by the rules of LinkedIn's Burrow
 * (<a href="https://github.com/linkedin/Burrow/wiki/Consumer-Lag-Evaluation-Rules">Consumer Lag Evaluation
 * Rules</a>, {@code core/internal/evaluator/caching.go}) instead of a lag threshold: a threshold either pages on
 * every burst or never notices a consumer stuck one record behind.
 *
 * <p>The window is the last {@code window} samples, one per sample interval; rule numbers are those of
 * {@code caching.go}. The first rule that holds decides:
 * <ol>
 * <li><b>ERR</b> — the latest committed offset is below the log start: retention deleted records the group never
 *     read. A fact rather than a trend, so it needs no full window. (Burrow has no such partition rule; it is the
 *     one thing lag alone cannot show.)</li>
 * <li><b>OK</b> — the window is not full yet, or the lag was 0 in at least one of its samples (Burrow rule 1: a
 *     consumer that caught up is fine). Burrow judges partial windows unless {@code minimum-complete} says
 *     otherwise; here a new partition, or a hub node just started, claims nothing on fewer samples than a
 *     window.</li>
 * <li><b>STOP</b> or <b>STALL</b> — the committed offset is the same in every sample of the window (none, for a
 *     group that never committed, counts as the same), with lag in every sample by the rule before (Burrow rules 3
 *     and 4). Burrow tells the two apart by commit times, which it reads from {@code __consumer_offsets}: no commit
 *     for longer than the window is STOP, commits of an unchanged offset are STALL. Kafka's admin API gives no commit
 *     times, so here the difference is whether a live member of the group owns the partition in the latest sample:
 *     nobody is <b>STOP</b> (the consumer is gone: crashed, scaled to zero, or the group is empty), somebody is
 *     <b>STALL</b> (alive but not advancing: a record retried forever, a consumer paused and never resumed). Either
 *     way a lag of one record that does not move is caught after one window.</li>
 * <li><b>WARN</b> — the offset moved, but the lag never decreased from one sample to the next (Burrow rule 5; an
 *     unchanged lag counts as not decreasing): the consumer works, slower than its producers.</li>
 * <li><b>OK</b> otherwise: the lag fell at least once.</li>
 * </ol>
 * Burrow checks STOP before rule 1 but exempts a consumer whose lag was recently zero, which with samples taken on
 * a fixed interval comes to the same order. Burrow's REWIND (the offset moved backwards, an operator's reset) is not
 * a state of its own here: the move counts as movement, so a reset shows as WARN until the lag falls.
 */
public final class ConsumerStatus {

    private final int window;

    public ConsumerStatus(int window) {
        if (window < 2) {
            throw new IllegalArgumentException("parley.ops.window must be at least 2 samples (got " + window
                    + "): a consumer's progress needs two samples to compare");
        }
        this.window = window;
    }

    /** The newest samples of a history, at most a window's worth, oldest first. */
    public List<PartitionSample> window(List<PartitionSample> history) {
        return history.subList(Math.max(0, history.size() - window), history.size());
    }

    /** The partition's state after its history (oldest first); OK for an empty one. */
    public ConsumerState evaluate(List<PartitionSample> history) {
        if (history.isEmpty()) {
            return ConsumerState.OK;
        }
        List<PartitionSample> samples = window(history);
        PartitionSample latest = samples.getLast();
        if (latest.lostRecords()) {
            return ConsumerState.ERR;
        }
        if (samples.size() < window || samples.stream().anyMatch(sample -> sample.lagMessages() == 0)) {
            return ConsumerState.OK;
        }
        if (samples.stream().allMatch(sample -> sample.committed().equals(samples.getFirst().committed()))) {
            return latest.owned() ? ConsumerState.STALL : ConsumerState.STOP;
        }
        for (int i = 1; i < samples.size(); i++) {
            if (samples.get(i).lagMessages() < samples.get(i - 1).lagMessages()) {
                return ConsumerState.OK;
            }
        }
        return ConsumerState.WARN;
    }
}
