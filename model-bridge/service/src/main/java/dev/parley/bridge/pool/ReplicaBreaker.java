package dev.parley.bridge.pool;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * One replica's circuit breaker: after {@code failureThreshold} consecutive failures the replica cools down,
 * then a single probe request decides whether it is back.
 *
 * <ul>
 * <li>{@link State#CLOSED}: every request may go; a success resets the failure count.</li>
 * <li>{@link State#OPEN}: no request goes until the cooldown has passed. The cooldown starts at
 *     {@code cooldown} and doubles each time a probe fails, up to {@code maxCooldown}, so a replica that is down
 *     for minutes costs a probe a minute rather than one every few seconds.</li>
 * <li>{@link State#HALF_OPEN}: the first {@link #tryAcquire()} gets the probe, everyone else is refused until its
 *     outcome is in. A success closes the breaker and resets the cooldown; a failure opens it again.</li>
 * </ul>
 *
 * <p>What counts as a failure is the caller's decision: the replica's faults (refused connection, timeout, 5xx,
 * 429, an error inside the stream) are; a refusal of the request itself (a 400 for an over-long context) is not,
 * the replica answered, so it is a success. A success should be reported once the replica answers, at its first
 * token, not at the end of a long generation, so a probe does not hold the replica out of rotation for the length
 * of a reply. Outcomes arriving while the breaker is open come from requests sent before it opened and are
 * ignored; once it is half-open, the first outcome in decides, usually the probe's.
 *
 * <p>Why not SmallRye Fault Tolerance's programmatic {@code Guard} with {@code withCircuitBreaker()} (6.10.1,
 * already on the class path): it wraps a call, while the routing must know before choosing a replica whether it
 * may be asked, and its state is readable only through {@code CircuitBreakerMaintenance} by a globally
 * registered name, which would leave one entry behind for every replica that ever existed. It counts a failure
 * ratio over a rolling window rather than consecutive failures, its delay is fixed rather than doubling, and its
 * clock is internal, so a test of the cooldown would have to sleep. This state machine is smaller than the glue
 * those gaps would need, and tests drive it with an {@link InstantSource}.
 *
 * <p>Thread-safe.
 */
public final class ReplicaBreaker {

    public enum State { CLOSED, OPEN, HALF_OPEN }

    public static final int DEFAULT_FAILURE_THRESHOLD = 3;
    /** LiteLLM's default cooldown for a failing deployment. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MAX_COOLDOWN = Duration.ofSeconds(60);

    private final InstantSource clock;
    private final int failureThreshold;
    private final Duration initialCooldown;
    private final Duration maxCooldown;

    private State state = State.CLOSED;
    private int consecutiveFailures;
    private Duration cooldown;
    private Instant openUntil;
    private boolean probeOut;

    public ReplicaBreaker(InstantSource clock) {
        this(clock, DEFAULT_FAILURE_THRESHOLD, DEFAULT_COOLDOWN, DEFAULT_MAX_COOLDOWN);
    }

    public ReplicaBreaker(InstantSource clock, int failureThreshold, Duration cooldown, Duration maxCooldown) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failure threshold must be at least 1, was " + failureThreshold);
        }
        if (cooldown.isNegative() || cooldown.isZero() || maxCooldown.compareTo(cooldown) < 0) {
            throw new IllegalArgumentException("cooldown must be positive and at most the maximum cooldown, was "
                    + cooldown + " with maximum " + maxCooldown);
        }
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failureThreshold = failureThreshold;
        this.initialCooldown = cooldown;
        this.maxCooldown = maxCooldown;
        this.cooldown = cooldown;
    }

    /**
     * Asks to send one request. Every {@code true} must be followed by exactly one of {@link #onSuccess()},
     * {@link #onFailure()} or {@link #onAbandoned()}; {@code false} means try another replica.
     */
    public synchronized boolean tryAcquire() {
        return switch (current()) {
            case CLOSED -> true;
            case OPEN -> false;
            case HALF_OPEN -> {
                boolean probe = !probeOut;
                probeOut = true;
                yield probe;
            }
        };
    }

    public synchronized void onSuccess() {
        switch (current()) {
            case CLOSED -> consecutiveFailures = 0;
            case HALF_OPEN -> {
                state = State.CLOSED;
                consecutiveFailures = 0;
                cooldown = initialCooldown;
                probeOut = false;
            }
            case OPEN -> {
                // A request sent before the breaker opened; the probe decides.
            }
        }
    }

    public synchronized void onFailure() {
        switch (current()) {
            case CLOSED -> {
                if (++consecutiveFailures >= failureThreshold) {
                    open();
                }
            }
            case HALF_OPEN -> {
                cooldown = min(cooldown.multipliedBy(2), maxCooldown);
                open();
            }
            case OPEN -> {
                // A request sent before the breaker opened; it must not stretch the cooldown.
            }
        }
    }

    /**
     * The request ended without telling anything about the replica, cancelled on our side (the conversation was
     * superseded, the bridge is shutting down). Frees the probe so the next request can be one.
     */
    public synchronized void onAbandoned() {
        if (current() == State.HALF_OPEN) {
            probeOut = false;
        }
    }

    /** The state now; an open breaker whose cooldown has passed reads as half-open. */
    public synchronized State state() {
        return current();
    }

    /** True while no request would be let through: open, or half-open with the probe already out. */
    public synchronized boolean coolingDown() {
        State now = current();
        return now == State.OPEN || now == State.HALF_OPEN && probeOut;
    }

    private State current() {
        if (state == State.OPEN && !clock.instant().isBefore(openUntil)) {
            state = State.HALF_OPEN;
            probeOut = false;
        }
        return state;
    }

    private void open() {
        state = State.OPEN;
        openUntil = clock.instant().plus(cooldown);
        consecutiveFailures = 0;
        probeOut = false;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
