package dev.parley.bridge.pool;

import java.time.Duration;

/**
 * Why one replica did not deliver a completion, classified so the pool can choose: try another replica, back
 * off, shorten the history, or give up. Its message never contains the request's credentials.
 */
public final class ReplicaFailure extends Exception {

    /** What went wrong; {@link #retryable()} says whether the same request may succeed elsewhere or later. */
    public enum Kind {
        /** No HTTP answer: connection refused, reset, timed out while connecting, host unknown. */
        UNREACHABLE(true),
        /** HTTP 429. */
        RATE_LIMITED(true),
        /** HTTP 503 saying the model is still loading: a replica starting up. */
        LOADING(true),
        /** Any other HTTP 503: a full queue or admission limit. */
        OVERLOADED(true),
        /** A 4xx saying the prompt exceeds the model's context: the same request fails on every replica. */
        CONTEXT_TOO_LONG(false),
        /** Any other 5xx. */
        SERVER_ERROR(true),
        /** Any other non-2xx answer (401, 404, 400 …): the same request fails again. */
        REFUSED(false),
        /** No response headers, or no body bytes between two pieces, for longer than the timeout. */
        TIMEOUT(true),
        /** A 2xx whose stream broke: an error object in it, a malformed chunk, an end before the answer was whole. */
        STREAM_ERROR(true);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Whether a request failing this way may succeed on another replica or later, ignoring text already shown. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final boolean textProduced;

    /**
     * @param status       the HTTP status, 0 when no answer arrived
     * @param retryAfter   the {@code Retry-After} the replica sent, or {@code null}
     * @param textProduced whether answer text had already been handed to the caller when it failed
     */
    public ReplicaFailure(Kind kind, int status, Duration retryAfter, boolean textProduced, String message,
                          Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.textProduced = textProduced;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when the replica gave no HTTP answer. */
    public int status() {
        return status;
    }

    /** How long the replica asked us to wait ({@code Retry-After} in seconds), or {@code null}. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /**
     * Whether answer text had already reached the caller's {@code textSoFar}: a retry would then produce a
     * different answer under text the user may have seen, which only the pool can decide to accept.
     */
    public boolean textProduced() {
        return textProduced;
    }

    /** Whether the request may be sent again as it is: the kind is transient and no text was produced yet. */
    public boolean retryable() {
        return kind.retryable() && !textProduced;
    }
}
