package dev.parley.simulator.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplicaSchedulerTest {

    private final ReplicaScheduler scheduler = new ReplicaScheduler(2);
    private final List<String> admitted = new ArrayList<>();

    private Sequence submit(String name, int promptTokens) {
        return scheduler.submit(promptTokens, sequence -> admitted.add(name));
    }

    @Test
    void admitsUpToTheLimitAndQueuesTheRest() {
        submit("a", 1);
        submit("b", 1);
        submit("c", 1);

        assertThat(admitted).containsExactly("a", "b");
        assertThat(scheduler.runningCount()).isEqualTo(2);
        assertThat(scheduler.waitingCount()).isEqualTo(1);
    }

    @Test
    void aFinishedSequenceHandsItsSlotToTheLongestWaiting() {
        Sequence a = submit("a", 1);
        Sequence b = submit("b", 1);
        submit("c", 1);
        submit("d", 1);
        submit("e", 1);

        scheduler.release(b);
        assertThat(admitted).containsExactly("a", "b", "c");
        scheduler.release(a);
        assertThat(admitted).containsExactly("a", "b", "c", "d");
        assertThat(scheduler.runningCount()).isEqualTo(2);
        assertThat(scheduler.waitingCount()).isEqualTo(1);
    }

    @Test
    void aReleasedWaitingSequenceLeavesTheQueueAndIsNeverAdmitted() {
        Sequence a = submit("a", 1);
        submit("b", 1);
        Sequence c = submit("c", 1);
        submit("d", 1);

        scheduler.release(c);
        assertThat(scheduler.waitingCount()).isEqualTo(1);
        scheduler.release(a);

        assertThat(admitted).containsExactly("a", "b", "d");
        assertThat(scheduler.runningCount()).isEqualTo(2);
        assertThat(scheduler.waitingCount()).isZero();
    }

    @Test
    void releasingTwiceFreesOnlyOneSlot() {
        Sequence a = submit("a", 1);
        submit("b", 1);
        submit("c", 1);
        submit("d", 1);

        scheduler.release(a);
        scheduler.release(a);

        assertThat(admitted).containsExactly("a", "b", "c");
        assertThat(scheduler.runningCount()).isEqualTo(2);
        assertThat(scheduler.waitingCount()).isEqualTo(1);
    }

    @Test
    void anIdleReplicaHasNothingRunningOrWaiting() {
        Sequence a = submit("a", 1);
        scheduler.release(a);

        assertThat(scheduler.runningCount()).isZero();
        assertThat(scheduler.waitingCount()).isZero();
        assertThat(scheduler.kvCacheTokensInUse()).isZero();
    }

    @Test
    void kvCacheHoldsPromptAndGeneratedTokensOfRunningSequencesOnly() {
        Sequence a = submit("a", 10);
        Sequence b = submit("b", 20);
        submit("c", 1000);
        a.addGeneratedToken();
        a.addGeneratedToken();
        b.addGeneratedToken();

        assertThat(scheduler.kvCacheTokensInUse()).isEqualTo(10 + 2 + 20 + 1);
        scheduler.release(b);
        assertThat(scheduler.kvCacheTokensInUse()).isEqualTo(10 + 2 + 1000);
    }

    @Test
    void aSequenceMayReleaseItselfFromItsAdmissionCallback() {
        ReplicaScheduler single = new ReplicaScheduler(1);
        single.submit(1, sequence -> {
            admitted.add("a");
            single.release(sequence);
        });
        single.submit(1, sequence -> admitted.add("b"));

        assertThat(admitted).containsExactly("a", "b");
        assertThat(single.runningCount()).isEqualTo(1);
    }

    @Test
    void refusesAReplicaWithoutSlots() {
        assertThatThrownBy(() -> new ReplicaScheduler(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
