package dev.parley.hub.ops;

import java.time.Instant;
import java.util.OptionalLong;

/**
 * One reading of a consumer group on one partition.
 *
 * @param committed  the group's committed offset; absent until it first commits on this partition
 * @param lagSeconds how long the oldest record the group has not consumed had waited at {@code at}; 0 without lag
 * @param owned      whether a live member of the group was assigned the partition
 */
public record PartitionSample(Instant at, long logStartOffset, long logEndOffset, OptionalLong committed,
                              double lagSeconds, boolean owned) {

    /** Where the group reads next: its committed offset, or the log start (Parley's groups read from earliest). */
    public long position() {
        return committed.orElse(logStartOffset);
    }

    /**
     * Log end minus position, the number {@code kafka-consumer-groups.sh --describe} prints (before a first commit it
     * prints none; this is then what the group has yet to read). Never negative: an offset committed past the log
     * end (a manual commit) counts as caught up, as in Burrow.
     */
    public long lagMessages() {
        return Math.max(0, logEndOffset - position());
    }

    /** The oldest record the group has yet to consume: at its position, or at the log start if that is past it. */
    public long oldestWaitingOffset() {
        return Math.max(position(), logStartOffset);
    }

    /** Whether retention deleted records the group had not read yet. */
    public boolean lostRecords() {
        return committed.isPresent() && committed.getAsLong() < logStartOffset;
    }

    PartitionSample withLagSeconds(double seconds) {
        return new PartitionSample(at, logStartOffset, logEndOffset, committed, seconds, owned);
    }
}
