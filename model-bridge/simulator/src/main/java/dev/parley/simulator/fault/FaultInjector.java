package dev.parley.simulator.fault;

import dev.parley.simulator.replica.SequenceFault;
import java.util.Random;

/**
 * Decides, request by request, which fault strikes, from a seeded generator so that a run with the same settings
 * and the same order of requests injects the same faults.
 */
public final class FaultInjector {

    /** What one request gets. */
    public sealed interface Verdict {
    }

    /** Refused with 429 before it reaches the replica. */
    public record RateLimited() implements Verdict {
    }

    /** Served, with {@code fault} (possibly {@link SequenceFault#NONE}) injected into its generation. */
    public record Serve(SequenceFault fault) implements Verdict {
    }

    private FaultSettings settings;
    private Random random;
    private long arrivals;

    public FaultInjector(FaultSettings settings) {
        apply(settings);
    }

    public synchronized FaultSettings settings() {
        return settings;
    }

    /** Takes new settings; the draws restart from their seed and the arrivals towards a crash from zero. */
    public synchronized void apply(FaultSettings settings) {
        this.settings = settings;
        // java.util.Random's algorithm is fixed by its specification, so a seed means the same draws on every JDK.
        this.random = new Random(settings.seed());
        this.arrivals = 0;
    }

    /** Counts a chat-completion request; true when it is the one {@code crashAtRequest} names. */
    public synchronized boolean arriveAndCheckCrash() {
        arrivals++;
        return settings.crashAtRequest() > 0 && arrivals == settings.crashAtRequest();
    }

    /**
     * Draws the fault for one request. Every call takes three numbers, one per kind of fault, so changing one
     * rate leaves the draws of the others as they were.
     */
    public synchronized Verdict draw() {
        double rateLimit = random.nextDouble();
        double error = random.nextDouble();
        double stall = random.nextDouble();
        if (rateLimit < settings.rateLimitRate()) {
            return new RateLimited();
        }
        if (error < settings.errorRate()) {
            return new Serve(new SequenceFault.Fail(settings.errorAfterTokens()));
        }
        if (stall < settings.stallRate()) {
            return new Serve(new SequenceFault.Stall(settings.stallAfterTokens(), settings.stallFor()));
        }
        return new Serve(SequenceFault.NONE);
    }
}
