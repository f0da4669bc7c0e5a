package dev.parley.bridge.consume;

import java.time.Duration;
import java.util.function.Supplier;
import org.infinispan.client.hotrod.exceptions.HotRodClientException;
import org.jboss.logging.Logger;

/**
 * Answers a request again while the session grid or Kafka is briefly unreachable (a restart, a failover) instead of
 * sending it to the dead-letter topic: the request keeps its conversation lane and its slot, its offset stays
 * uncommitted, and answering again is safe because a request already answered is replayed from the stored history.
 * Found by the load harness: during an Infinispan restart every request failed and went to {@code
 * parley.requests.dlq}, so those users were never answered. Other failures, and an outage longer than the budget,
 * still end in the dead-letter topic.
 */
final class OutageRetry {

    private static final Logger LOG = Logger.getLogger(OutageRetry.class);

    /** Pauses between attempts; a seam for tests. */
    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Duration budget;
    private final Duration firstBackoff;
    private final Duration longestBackoff;
    private final Pause pause;

    OutageRetry(Duration budget, Duration firstBackoff, Duration longestBackoff, Pause pause) {
        this.budget = budget;
        this.firstBackoff = firstBackoff;
        this.longestBackoff = longestBackoff;
        this.pause = pause;
    }

    static OutageRetry standard() {
        return new OutageRetry(Duration.ofMinutes(5), Duration.ofMillis(500), Duration.ofSeconds(5),
                duration -> Thread.sleep(duration.toMillis()));
    }

    <T> T run(String requestId, Supplier<T> attempt) {
        long waited = 0;
        Duration backoff = firstBackoff;
        while (true) {
            try {
                return attempt.get();
            } catch (RuntimeException failure) {
                if (!isOutage(failure) || waited + backoff.toMillis() > budget.toMillis()) {
                    throw failure;
                }
                LOG.debugf("request %s: %s unreachable, answering again in %d ms", requestId,
                        failure.getClass().getSimpleName(), backoff.toMillis());
                try {
                    pause.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw failure;
                }
                waited += backoff.toMillis();
                backoff = backoff.multipliedBy(2).compareTo(longestBackoff) > 0 ? longestBackoff : backoff.multipliedBy(2);
            }
        }
    }

    /** Infinispan's client failing to reach or use the grid, or Kafka not taking the reply in time. */
    static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HotRodClientException
                    || t instanceof org.apache.kafka.common.errors.RetriableException
                    || t instanceof io.smallrye.mutiny.TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
