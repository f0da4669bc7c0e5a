package dev.parley.simulator.replica;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Wakes the replica when its next event is due with a single Vert.x timer, so no thread ever sleeps and the
 * whole replica costs one timer however many sequences it runs.
 */
public final class ReplicaTimer implements Replica.Wakeup {

    private final Vertx vertx;
    private final LongSupplier ticker;
    private long armedFor = Long.MAX_VALUE;
    private long timerId = -1;

    public ReplicaTimer(Vertx vertx, LongSupplier ticker) {
        this.vertx = vertx;
        this.ticker = ticker;
    }

    @Override
    public synchronized void at(long dueAt, Runnable advance) {
        if (dueAt == armedFor) {
            return;
        }
        if (timerId >= 0) {
            vertx.cancelTimer(timerId);
            timerId = -1;
        }
        armedFor = dueAt;
        if (dueAt == Long.MAX_VALUE) {
            return;
        }
        // Vert.x timers take whole milliseconds, at least one; rounding up means the event is due when the timer fires.
        long delayMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueAt - ticker.getAsLong() + 999_999));
        // Under this lock, so fire() cannot see the timer before its id is recorded.
        timerId = vertx.setTimer(delayMillis, fired -> fire(fired, advance));
    }

    private void fire(long id, Runnable advance) {
        synchronized (this) {
            if (id != timerId) {
                return; // replaced after it had already fired
            }
            timerId = -1;
            armedFor = Long.MAX_VALUE;
        }
        // Outside this lock: advance takes the replica's lock, which calls at() under it.
        advance.run();
    }
}
