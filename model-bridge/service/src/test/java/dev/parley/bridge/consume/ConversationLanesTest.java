package dev.parley.bridge.consume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConversationLanesTest {

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void aSlowConversationDoesNotDelayOthers() throws Exception {
        ConversationLanes lanes = new ConversationLanes(executor, 8);
        CountDownLatch slowMayFinish = new CountDownLatch(1);
        List<String> finished = Collections.synchronizedList(new ArrayList<>());

        lanes.admit("slow", () -> {
            slowMayFinish.await();
            finished.add("slow-1");
        });
        lanes.admit("slow", () -> finished.add("slow-2"));
        CompletableFuture<Void> others = CompletableFuture.allOf(
                lanes.admit("a", () -> finished.add("a")).done().toCompletableFuture(),
                lanes.admit("b", () -> finished.add("b")).done().toCompletableFuture());

        others.get(5, TimeUnit.SECONDS);
        assertThat(finished).containsExactlyInAnyOrder("a", "b");
        slowMayFinish.countDown();
        lanes.admit("slow", () -> finished.add("slow-3")).done().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(finished).containsSubsequence("slow-1", "slow-2", "slow-3");
    }

    @Test
    void eachConversationRunsInAdmissionOrderOneAtATime() throws Exception {
        ConversationLanes lanes = new ConversationLanes(executor, 16);
        Random random = new Random(7);
        int conversations = 20;
        int perConversation = 30;
        List<List<Integer>> seen = new ArrayList<>();
        AtomicInteger[] running = new AtomicInteger[conversations];
        AtomicInteger overlaps = new AtomicInteger();
        for (int c = 0; c < conversations; c++) {
            seen.add(Collections.synchronizedList(new ArrayList<>()));
            running[c] = new AtomicInteger();
        }
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (int i = 0; i < perConversation; i++) {
            for (int c = 0; c < conversations; c++) {
                int conversation = c;
                int index = i;
                int pause = random.nextInt(3);
                ConversationLanes.Admission admission = lanes.admit("c" + c, () -> {
                    if (running[conversation].incrementAndGet() > 1) {
                        overlaps.incrementAndGet();
                    }
                    Thread.sleep(pause);
                    seen.get(conversation).add(index);
                    running[conversation].decrementAndGet();
                });
                admission.admitted().toCompletableFuture().get(5, TimeUnit.SECONDS); // as the consumer does
                all.add(admission.done().toCompletableFuture());
            }
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

        assertThat(overlaps).hasValue(0);
        for (List<Integer> order : seen) {
            assertThat(order).isSorted().hasSize(perConversation);
        }
        assertThat(lanes.inFlight()).isZero();
    }

    @Test
    void admissionWaitsForAFreeSlotAndFollowsTheCapacity() throws Exception {
        ConversationLanes lanes = new ConversationLanes(executor, 2);
        CountDownLatch release = new CountDownLatch(1);
        lanes.admit("a", release::await);
        lanes.admit("b", release::await);

        ConversationLanes.Admission third = lanes.admit("c", () -> { });
        Thread.sleep(100);
        assertThat(third.admitted().toCompletableFuture()).isNotDone();
        assertThat(lanes.inFlight()).isEqualTo(2);

        lanes.capacity(3); // a replica joined
        third.admitted().toCompletableFuture().get(5, TimeUnit.SECONDS);
        third.done().toCompletableFuture().get(5, TimeUnit.SECONDS);

        lanes.capacity(0); // every replica gone: nothing more is admitted
        ConversationLanes.Admission blocked = lanes.admit("d", () -> { });
        release.countDown();
        Thread.sleep(100);
        assertThat(blocked.admitted().toCompletableFuture()).isNotDone();
        lanes.capacity(1);
        blocked.done().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void aFailedRequestReportsItsFailureAndItsConversationGoesOn() throws Exception {
        ConversationLanes lanes = new ConversationLanes(executor, 4);
        CompletableFuture<Void> failed = lanes.admit("a", () -> {
            throw new IllegalStateException("model gone");
        }).done().toCompletableFuture();
        CompletableFuture<Void> next = lanes.admit("a", () -> { }).done().toCompletableFuture();

        next.get(5, TimeUnit.SECONDS);
        assertThat(failed).isCompletedExceptionally();
        assertThat(lanes.inFlight()).isZero();
    }
}
