package dev.parley.simulator.replica;

import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Paces a sequence's tokens like a GPU does: the first after the time-to-first-token, the rest at
 * tokens-per-second, using Vert.x timers so no thread ever sleeps.
 */
public final class TokenEmitter {

    /** Receives the tokens, on the Vert.x context that started the emission. */
    public interface Sink {
        void token(String token);

        void finished();
    }

    private final Vertx vertx;
    private final long timeToFirstTokenNanos;
    private final double tokensPerSecond;

    public TokenEmitter(Vertx vertx, Duration timeToFirstToken, double tokensPerSecond) {
        this.vertx = vertx;
        this.timeToFirstTokenNanos = timeToFirstToken.toNanos();
        this.tokensPerSecond = tokensPerSecond;
    }

    /** Starts emitting; must be called on a Vert.x context, where the timers and the sink will then run. */
    public Emission start(List<String> tokens, Sink sink) {
        Emission emission = new Emission(tokens, sink);
        if (timeToFirstTokenNanos <= 0) {
            emission.prefilled();
        } else {
            emission.timerId = vertx.setTimer(toTimerMillis(timeToFirstTokenNanos), id -> emission.prefilled());
        }
        return emission;
    }

    /** One running emission; {@link #cancel()} stops it, for a client that went away. */
    public final class Emission {
        private final List<String> tokens;
        private final Sink sink;
        private int next;
        private long firstTokenAt;
        private long timerId = -1;
        private boolean cancelled;

        private Emission(List<String> tokens, Sink sink) {
            this.tokens = tokens;
            this.sink = sink;
        }

        public void cancel() {
            cancelled = true;
            if (timerId >= 0) {
                vertx.cancelTimer(timerId);
            }
        }

        private void prefilled() {
            firstTokenAt = System.nanoTime();
            emitDueTokens();
        }

        // Emits every token whose time has come rather than one per timer, so speeds beyond one token per
        // millisecond (the timer resolution) and late timers do not slow the sequence down.
        private void emitDueTokens() {
            if (cancelled) {
                return;
            }
            long now = System.nanoTime();
            int due = tokensPerSecond <= 0
                    ? tokens.size()
                    : (int) Math.min(tokens.size(), 1 + (long) ((now - firstTokenAt) / 1e9 * tokensPerSecond));
            while (next < due && !cancelled) {
                sink.token(tokens.get(next++));
            }
            if (cancelled) {
                return;
            }
            if (next == tokens.size()) {
                sink.finished();
                return;
            }
            long nextTokenAt = firstTokenAt + (long) (next / tokensPerSecond * 1e9);
            timerId = vertx.setTimer(toTimerMillis(nextTokenAt - now), id -> emitDueTokens());
        }
    }

    private static long toTimerMillis(long nanos) {
        // Vert.x timers take whole milliseconds, at least one.
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
    }
}
