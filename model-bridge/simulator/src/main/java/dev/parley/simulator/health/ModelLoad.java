package dev.parley.simulator.health;

import dev.parley.simulator.config.SimulatorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.function.LongSupplier;

/** Pretends the replica spends {@code load-time} loading weights after start, so clients can rehearse a cold replica. */
@Singleton
public class ModelLoad {

    private final long loadNanos;
    private final LongSupplier ticker;
    private volatile long loadedAt;

    @Inject
    ModelLoad(SimulatorConfig config) {
        this(config.loadTime(), System::nanoTime);
    }

    ModelLoad(Duration loadTime, LongSupplier ticker) {
        this.loadNanos = loadTime.toNanos();
        this.ticker = ticker;
    }

    void onStart(@Observes StartupEvent started) {
        startLoading();
    }

    void startLoading() {
        loadedAt = ticker.getAsLong() + loadNanos;
    }

    public boolean loaded() {
        return remaining().isZero();
    }

    /** Loading time left; zero once loaded. */
    public Duration remaining() {
        return Duration.ofNanos(Math.max(0, loadedAt - ticker.getAsLong()));
    }
}
