package dev.parley.hub.ops;

/**
 * How a consumer group does on one partition, as {@link ConsumerStatus} judges it. Declared from harmless to worst,
 * so a group's state is the greatest of its partitions' states.
 */
public enum ConsumerState {
    /** Caught up at some point in the window, or working its lag off. */
    OK,
    /** The committed offset advances but the lag never falls: the consumer is slower than its producers. */
    WARN,
    /** A live member owns the partition, yet the committed offset has not moved while there was lag. */
    STALL,
    /** Nobody owns the partition and the committed offset has not moved while there was lag. */
    STOP,
    /** The committed offset is below the log start: retention deleted records the group never read. */
    ERR
}
