package dev.parley.simulator.health;

import dev.parley.simulator.config.SimulatorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/** Pretends the replica spends {@code load-time} loading weights after start, so clients can rehearse a cold replica. */
@Singleton
public class ModelLoad {

    private final long loadNanos;
    private volatile long loadedAt;

    ModelLoad(SimulatorConfig config) {
        this.loadNanos = config.loadTime().toNanos();
    }

    void onStart(@Observes StartupEvent started) {
        loadedAt = System.nanoTime() + loadNanos;
    }

    public boolean loaded() {
        return System.nanoTime() - loadedAt >= 0;
    }
}
