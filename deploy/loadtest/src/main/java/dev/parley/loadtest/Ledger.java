package dev.parley.loadtest;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Every message the simulated users sent and what became of it: when it was due (the open-loop schedule), when the
 * hub accepted it, when each answer reached the platform, and how long the model took. A message's text starts with
 * its tag ({@code lt<seq>}); the model simulator quotes the question in its answer, so an answer names its message.
 */
final class Ledger {

    static final Pattern TAG = Pattern.compile("\\blt(\\d+)\\b");

    /** One user message. Times are nanoseconds since the run's start. */
    static final class Message {
        final long seq;
        final String platform;
        final long dueNanos;
        final boolean redelivered;
        volatile long acceptedNanos = -1;
        volatile long firstAnswerNanos = -1;
        volatile long modelNanos = -1;
        /**
         * Where the time went, from the final reply's timings (epoch nanoseconds): the hub received the message, the
         * bridge started on it, the model finished, the reply was on Kafka. 0 until the reply tap saw it.
         */
        volatile long hubReceivedAt;
        volatile long bridgeStartedAt;
        volatile long modelFinishedAt;
        volatile long replyOnKafkaAt;
        /** Who sent it (user, chatty user, group), for telling which kind of message went missing. */
        volatile String sender = "";
        final AtomicInteger answers = new AtomicInteger();
        final AtomicInteger attempts = new AtomicInteger();

        Message(long seq, String platform, long dueNanos, boolean redelivered) {
            this.seq = seq;
            this.platform = platform;
            this.dueNanos = dueNanos;
            this.redelivered = redelivered;
        }

        String tag() {
            return "lt" + seq;
        }

        boolean answered() {
            return firstAnswerNanos >= 0;
        }

        long latencyNanos() {
            return firstAnswerNanos - dueNanos;
        }
    }

    final Histogram ackLatency = new ConcurrentHistogram(TimeUnit.SECONDS.toNanos(600), 3);
    final LongAdder accepted = new LongAdder();
    private final ConcurrentHashMap<Long, Message> messages = new ConcurrentHashMap<>();
    private final AtomicLong nextSeq = new AtomicLong();
    private final AtomicLong untagged = new AtomicLong();
    /** The first few answers that named no message (the hub's own notices, the bridge's busy reply), to read. */
    final List<String> untaggedSamples = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final long startNanos;

    private final long startEpochNanos;

    Ledger(long startNanos) {
        this.startNanos = startNanos;
        Instant now = Instant.now();
        this.startEpochNanos = epochNanos(now) - (System.nanoTime() - startNanos);
    }

    long now() {
        return System.nanoTime() - startNanos;
    }

    Message open(String platform, long dueNanos, boolean redelivered) {
        long seq = nextSeq.getAndIncrement();
        Message message = new Message(seq, platform, dueNanos, redelivered);
        messages.put(seq, message);
        return message;
    }

    /** The hub acknowledged the message (Kafka has it): the first time counts, measured from when it was due. */
    void accepted(Message message) {
        synchronized (message) {
            if (message.acceptedNanos >= 0) {
                return;
            }
            message.acceptedNanos = now();
        }
        accepted.increment();
        ackLatency.recordValue(Math.max(0, message.acceptedNanos - message.dueNanos));
    }

    /** An answer reached the platform: counted against the message its text names. */
    void answered(String text) {
        Message message = find(text);
        if (message == null) {
            if (untagged.incrementAndGet() <= 5) {
                untaggedSamples.add(text == null ? "(no text)" : text.substring(0, Math.min(200, text.length())));
            }
            return;
        }
        long at = now();
        if (message.answers.getAndIncrement() == 0) {
            message.firstAnswerNanos = at;
        }
    }

    /**
     * An edit of a posted answer reached the platform (a streamed answer: posted as its first piece, finished by
     * edits). It answers the message it names if nothing else did yet; it never counts as a second answer, because
     * the edit of a piece posted before the tag was in the text cannot be told from the edit of a second answer.
     */
    void answerEdited(String text) {
        Message message = find(text);
        if (message != null && message.answers.compareAndSet(0, 1)) {
            message.firstAnswerNanos = now();
        }
    }

    /** The bridge's own account of the model's time for the message a final reply names. */
    void replyTimings(String text, Instant received, Instant bridgeStarted, Instant modelFinished,
                      long replyOnKafkaMillis) {
        Message message = find(text);
        if (message != null) {
            message.modelNanos = Duration.between(bridgeStarted, modelFinished).toNanos();
            message.hubReceivedAt = epochNanos(received);
            message.bridgeStartedAt = epochNanos(bridgeStarted);
            message.modelFinishedAt = epochNanos(modelFinished);
            message.replyOnKafkaAt = replyOnKafkaMillis * 1_000_000L;
        }
    }

    private static long epochNanos(Instant instant) {
        return instant == null ? 0 : instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /** A time of the run (nanoseconds since its start) as epoch nanoseconds, to compare with the stack's clocks. */
    long toEpochNanos(long runNanos) {
        return startEpochNanos + runNanos;
    }

    Message find(String text) {
        if (text == null) {
            return null;
        }
        Matcher matcher = TAG.matcher(text);
        return matcher.find() ? messages.get(Long.parseLong(matcher.group(1))) : null;
    }

    /** Forgets everything so far: the warm-up's messages do not count in the measured run. */
    void reset() {
        messages.clear();
        ackLatency.reset();
        accepted.reset();
        untagged.set(0);
    }

    Collection<Message> all() {
        return messages.values();
    }

    List<Message> sortedByDue() {
        List<Message> sorted = new ArrayList<>(messages.values());
        sorted.sort((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
        return sorted;
    }

    long untaggedAnswers() {
        return untagged.get();
    }

    int size() {
        return messages.size();
    }
}
