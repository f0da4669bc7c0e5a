package dev.parley.simulator.fault;

import jakarta.inject.Singleton;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Replaces the real halt in every Quarkus test, so a simulated crash is recorded instead of ending the test JVM. */
@Singleton
public class RecordedHalts implements ProcessHalt {

    private final List<String> reasons = new CopyOnWriteArrayList<>();

    @Override
    public void halt(String reason) {
        reasons.add(reason);
    }

    public List<String> reasons() {
        return List.copyOf(reasons);
    }

    public void clear() {
        reasons.clear();
    }
}
