package dev.parley.simulator.replica;

/**
 * Hears what happens to one sequence, each event with the replica's clock reading ({@link System#nanoTime()} in
 * the running server) at the moment it happened. The replica calls these under its lock, so an implementation
 * must only hand the event on (for example to its own event loop) and never call back into the replica.
 */
public interface SequenceListener {

    /** The sequence left the queue and joined the running batch; called once, even if it is later preempted. */
    void admitted(long at);

    /** One more token was generated. */
    void token(long at);

    /** The last token is out and the sequence has left the replica. */
    void finished(long at);

    /** The sequence failed by an injected {@link SequenceFault.Fail} and has left the replica. */
    void failed(long at);
}
