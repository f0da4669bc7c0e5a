package dev.parley.simulator.fault;

import dev.parley.simulator.config.SimulatorConfig;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The replica's faults at run time: the per-request draws, the crash after a number of requests or after a time,
 * and changes posted to {@code /simulator/faults}, which take effect for the next request.
 */
@Singleton
public class FaultControl {

    private final FaultSettings configured;
    private final FaultInjector injector;
    private final ProcessHalt halt;
    private final Vertx vertx;
    private long crashTimerId = -1;

    FaultControl(SimulatorConfig config, ProcessHalt halt, Vertx vertx) {
        this.configured = FaultSettings.of(config.faults());
        this.injector = new FaultInjector(configured);
        this.halt = halt;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent started) {
        armCrashTimer(configured);
    }

    public FaultSettings settings() {
        return injector.settings();
    }

    /** Replaces the settings: draws restart from the seed, crash counts and timers from now. */
    public synchronized void apply(FaultSettings settings) {
        injector.apply(settings);
        armCrashTimer(settings);
    }

    /** Goes back to the settings the process started with. */
    public void reset() {
        apply(configured);
    }

    /**
     * Counts an arriving chat-completion request and halts the process if it is the one the crash waits for.
     *
     * @return true if the process was told to halt; only a test's {@link ProcessHalt} returns, and the caller
     *         then drops the connection as a dead process would
     */
    public boolean arrive() {
        if (!injector.arriveAndCheckCrash()) {
            return false;
        }
        halt.halt("crash-at-request " + injector.settings().crashAtRequest() + " reached");
        return true;
    }

    public FaultInjector.Verdict draw() {
        return injector.draw();
    }

    private synchronized void armCrashTimer(FaultSettings settings) {
        if (crashTimerId >= 0) {
            vertx.cancelTimer(crashTimerId);
            crashTimerId = -1;
        }
        settings.crashAfter().ifPresent(after -> crashTimerId = vertx.setTimer(Math.max(1, after.toMillis()),
                id -> halt.halt("crash-after " + format(after) + " elapsed")));
    }

    private static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase();
    }
}
