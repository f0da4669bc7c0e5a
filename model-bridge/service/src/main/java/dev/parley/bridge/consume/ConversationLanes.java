package dev.parley.bridge.consume;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Keyed concurrency for the request consumer: requests of one conversation run strictly one after another, in the
 * order they were admitted; requests of different conversations run at the same time, even when Kafka put them
 * in the same partition. So one slow conversation never holds up the others behind it.
 *
 * <p>Admission is the backpressure: {@link #admit} answers a stage that completes only once a slot is free, and the
 * consumer takes the next record from Kafka only then. Slots are the model pool's capacity (the sum of its
 * replicas' concurrency limits, {@link #capacity(int)} follows it as replicas come and go), so when the pool is
 * full the records wait in Kafka, where lag measures them and the autoscaler reads it, not in memory or in a
 * replica's queue. A slot is held from admission to completion; a request waiting behind its own conversation's
 * earlier one holds its slot meanwhile, the price of never reordering a conversation.
 */
public final class ConversationLanes {

    /** The work of one request; it runs on the lanes' executor and may block. */
    public interface Work {
        void run() throws Exception;
    }

    private final Executor executor;
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final ArrayDeque<CompletableFuture<Void>> waitingForSlot = new ArrayDeque<>();
    private int capacity;
    private int taken;

    public ConversationLanes(Executor executor, int capacity) {
        this.executor = executor;
        this.capacity = Math.max(0, capacity);
    }

    /**
     * Admits one request of a conversation. The returned admission completes when the request got its slot; the
     * second stage, {@link Admission#done()}, when its work finished (exceptionally with the work's failure).
     */
    public Admission admit(String conversationId, Work work) {
        CompletableFuture<Void> slot = takeSlot();
        CompletableFuture<Void> done = new CompletableFuture<>();
        // The lane position is taken now, in admission order, whenever the slot comes.
        tails.compute(conversationId, (key, tail) -> {
            // A failed request does not stop its conversation: the next one still runs, after it.
            CompletableFuture<Void> previous = tail == null ? CompletableFuture.completedFuture(null)
                    : tail.handle((ignored, failure) -> null);
            CompletableFuture<Void> mine = CompletableFuture.allOf(previous, slot)
                    .thenRunAsync(() -> runAndRelease(work, done), executor);
            mine.whenComplete((ignored, failure) -> tails.remove(key, mine));
            return mine;
        });
        return new Admission(slot, done);
    }

    /** The two stages of one admitted request. */
    public record Admission(CompletionStage<Void> admitted, CompletionStage<Void> done) {
    }

    private void runAndRelease(Work work, CompletableFuture<Void> done) {
        try {
            work.run();
            done.complete(null);
        } catch (Throwable failure) {
            done.completeExceptionally(failure);
        } finally {
            releaseSlot();
        }
    }

    /** The pool's capacity changed (a replica joined, left, recovered or went into cooldown). */
    public void capacity(int slots) {
        synchronized (this) {
            capacity = Math.max(0, slots);
        }
        handOutSlots();
    }

    public synchronized int capacity() {
        return capacity;
    }

    /** Requests holding a slot: running, or waiting behind their own conversation. */
    public synchronized int inFlight() {
        return taken;
    }

    /** Conversations with work running or queued. */
    public int activeConversations() {
        return tails.size();
    }

    private CompletableFuture<Void> takeSlot() {
        CompletableFuture<Void> slot = new CompletableFuture<>();
        synchronized (this) {
            waitingForSlot.addLast(slot);
        }
        handOutSlots();
        return slot;
    }

    private void releaseSlot() {
        synchronized (this) {
            taken--;
        }
        handOutSlots();
    }

    private void handOutSlots() {
        while (true) {
            CompletableFuture<Void> next;
            synchronized (this) {
                if (taken >= capacity || waitingForSlot.isEmpty()) {
                    return;
                }
                next = waitingForSlot.pollFirst();
                taken++;
            }
            // Completed outside the lock: the consumer's continuation runs here and may admit the next record.
            next.complete(null);
        }
    }
}
