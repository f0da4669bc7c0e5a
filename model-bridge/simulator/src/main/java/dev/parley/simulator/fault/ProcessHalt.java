package dev.parley.simulator.fault;

/**
 * Ends the process the way a GPU fault or an OOM kill ends a model server: at once, with no shutdown hooks and no
 * goodbye to open connections. Tests replace it, so a simulated crash never takes the test JVM down.
 */
@FunctionalInterface
public interface ProcessHalt {

    void halt(String reason);
}
