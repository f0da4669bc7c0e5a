package dev.parley.simulator.fault;

import dev.parley.simulator.config.SimulatorConfig;
import java.time.Duration;
import java.util.Optional;

/**
 * The faults the replica injects, as configured at start or as last posted to {@code /simulator/faults}.
 *
 * @param errorRate        share of requests whose generation fails: 500, or an error event in a stream
 * @param errorAfterTokens tokens a failing request generates before it fails
 * @param stallRate        share of requests whose generation pauses
 * @param stallAfterTokens tokens a stalling request generates before it pauses
 * @param stallFor         how long a stall lasts; empty: until the client gives up
 * @param rateLimitRate    share of requests refused with 429
 * @param crashAtRequest   the process halts when this many chat-completion requests have arrived since the
 *                         setting took effect, as the last of them arrives; 0: never
 * @param crashAfter       the process halts this long after the setting took effect; empty: never
 * @param seed             seed of the draws; each change of settings restarts them from it
 */
public record FaultSettings(double errorRate, int errorAfterTokens, double stallRate, int stallAfterTokens,
                            Optional<Duration> stallFor, double rateLimitRate, int crashAtRequest,
                            Optional<Duration> crashAfter, long seed) {

    public FaultSettings {
        share("errorRate", errorRate);
        share("stallRate", stallRate);
        share("rateLimitRate", rateLimitRate);
        atLeastZero("errorAfterTokens", errorAfterTokens);
        atLeastZero("stallAfterTokens", stallAfterTokens);
        atLeastZero("crashAtRequest", crashAtRequest);
        notNegative("stallFor", stallFor);
        notNegative("crashAfter", crashAfter);
    }

    static FaultSettings of(SimulatorConfig.Faults faults) {
        return new FaultSettings(faults.errorRate(), faults.errorAfterTokens(), faults.stallRate(), faults.stallAfterTokens(),
                faults.stallFor(), faults.rateLimitRate(), faults.crashAtRequest(), faults.crashAfter(), faults.seed());
    }

    private static void share(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("'%s' must be a share between 0 and 1, was %s".formatted(name, value));
        }
    }

    private static void atLeastZero(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException("'%s' must be at least 0, was %d".formatted(name, value));
        }
    }

    private static void notNegative(String name, Optional<Duration> value) {
        if (value.isPresent() && value.get().isNegative()) {
            throw new IllegalArgumentException("'%s' must not be negative, was %s".formatted(name, value.get()));
        }
    }
}
