package dev.parley.simulator.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The replica's capacity model on a fake clock: every time below is exact, in milliseconds since the test began. */
class ReplicaTest {

    private long clock;
    private long wakeupAt = Long.MAX_VALUE;

    private Replica replica(int maxRunning, int maxWaiting, int kvCacheTokens, long timeToFirstTokenMillis,
                            double prefillTokensPerSecond, double tokensPerSecond, double batchSlowdown) {
        return replica(new ReplicaModel(maxRunning, maxWaiting, kvCacheTokens, Duration.ofMillis(timeToFirstTokenMillis),
                prefillTokensPerSecond, tokensPerSecond, batchSlowdown, true, kvCacheTokens));
    }

    private Replica replica(ReplicaModel model) {
        return new Replica(model, () -> clock, (dueAt, advance) -> wakeupAt = dueAt);
    }

    /** Prefill at 1000 tokens/s (a token a millisecond), then 200 ms to the first token and 100 tokens/s. */
    private Replica prefixCaching(boolean enabled, int kvCacheTokens, int prefixCacheTokens) {
        return replica(new ReplicaModel(8, 8, kvCacheTokens, Duration.ofMillis(200), 1000, 100, 0, enabled, prefixCacheTokens));
    }

    /** A replica whose sequences decode at 100 tokens/s each, start at once and never run out of room. */
    private Replica instantStart(int maxRunning, int maxWaiting) {
        return replica(maxRunning, maxWaiting, 1_000_000, 0, 0, 100, 0);
    }

    private void at(Replica replica, double millis) {
        clock = nanos(millis);
        replica.advance();
    }

    private static long nanos(double millis) {
        return Math.round(millis * 1_000_000);
    }

    /** What one sequence heard, in milliseconds. */
    private static final class Events implements SequenceListener {
        final List<Double> admitted = new ArrayList<>();
        final List<Double> tokens = new ArrayList<>();
        Double finished;
        Double failed;

        @Override
        public void admitted(long at) {
            admitted.add(millis(at));
        }

        @Override
        public void token(long at) {
            tokens.add(millis(at));
        }

        @Override
        public void finished(long at) {
            finished = millis(at);
        }

        @Override
        public void failed(long at) {
            failed = millis(at);
        }

        Double firstToken() {
            return tokens.getFirst();
        }

        private static double millis(long nanos) {
            return nanos / 1e6;
        }
    }

    private static Events submit(Replica replica, int promptTokens, int outputTokens) {
        return submit(replica, promptTokens, outputTokens, SequenceFault.NONE);
    }

    private static Events submit(Replica replica, int promptTokens, int outputTokens, SequenceFault fault) {
        return submit(replica, Optional.empty(), promptTokens, outputTokens, fault);
    }

    private static Events submit(Replica replica, String session, int promptTokens, int outputTokens) {
        return submit(replica, Optional.of(session), promptTokens, outputTokens, SequenceFault.NONE);
    }

    private static Events submit(Replica replica, Optional<String> session, int promptTokens, int outputTokens, SequenceFault fault) {
        Events events = new Events();
        assertThat(replica.submit(session, promptTokens, outputTokens, fault, events)).isInstanceOf(Replica.Accepted.class);
        return events;
    }

    private static Sequence sequenceOf(Replica.Admission admission) {
        assertThat(admission).isInstanceOf(Replica.Accepted.class);
        return ((Replica.Accepted) admission).sequence();
    }

    // --- time to first token ---

    @Test
    void theFirstTokenComesAfterPrefillAndTheBaseLatencyThenTheRestAtDecodeSpeed() {
        Replica replica = replica(8, 8, 16_384, 200, 1000, 100, 0);

        Events events = submit(replica, 100, 3);
        assertThat(wakeupAt).as("the replica asks to be woken for the first token").isEqualTo(nanos(300));
        at(replica, 1000);

        assertThat(events.admitted).containsExactly(0.0);
        assertThat(events.tokens).containsExactly(300.0, 310.0, 320.0);
        assertThat(events.finished).isEqualTo(320.0);
        assertThat(wakeupAt).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void timeToFirstTokenGrowsWithPromptLength() {
        Replica replica = replica(8, 8, 16_384, 200, 1000, 100, 0);

        Events shortPrompt = submit(replica, 100, 1);
        at(replica, 1000);
        Events longPrompt = submit(replica, 1000, 1);
        at(replica, 5000);

        assertThat(shortPrompt.firstToken()).isEqualTo(300.0);
        assertThat(longPrompt.firstToken() - 1000).isEqualTo(1200.0);
    }

    @Test
    void promptsArrivingTogetherQueueForTheGpusPrefill() {
        Replica replica = replica(8, 8, 16_384, 200, 1000, 100, 0);

        Events first = submit(replica, 100, 1);
        Events second = submit(replica, 100, 1);
        Events third = submit(replica, 100, 1);
        at(replica, 1000);

        assertThat(List.of(first.admitted, second.admitted, third.admitted)).allSatisfy(admitted -> assertThat(admitted).containsExactly(0.0));
        assertThat(List.of(first.firstToken(), second.firstToken(), third.firstToken())).containsExactly(300.0, 400.0, 500.0);
    }

    @Test
    void aQueuedRequestWaitsForASlotThenForItsPrefill() {
        Replica replica = replica(1, 8, 16_384, 200, 1000, 100, 0);

        Events running = submit(replica, 100, 3);
        Events queued = submit(replica, 100, 3);
        assertThat(replica.load().waiting()).isEqualTo(1);
        at(replica, 2000);

        assertThat(running.finished).isEqualTo(320.0);
        assertThat(queued.admitted).containsExactly(320.0);
        assertThat(queued.firstToken()).isEqualTo(320.0 + 100 + 200);
    }

    // --- decode speed and batch size ---

    @Test
    void eachSequenceDecodesSlowerInABiggerBatch() {
        Replica alone = instantStart(8, 8);
        Events single = submit(alone, 10, 3);
        at(alone, 1000);

        clock = 0;
        Replica busy = replica(8, 8, 1_000_000, 0, 0, 100, 0.25);
        List<Events> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(submit(busy, 10, 3));
        }
        at(busy, 1000);

        assertThat(single.tokens).containsExactly(0.0, 10.0, 20.0);
        // 100 / (1 + 0.25 * (5 - 1)) = 50 tokens/s each.
        assertThat(batch).allSatisfy(events -> assertThat(events.tokens).containsExactly(0.0, 20.0, 40.0));
    }

    @Test
    void decodeSpeedFollowsTheBatchAsItChanges() {
        Replica replica = replica(8, 8, 1_000_000, 0, 0, 100, 1);

        Events first = submit(replica, 10, 100);
        at(replica, 25);
        Sequence second = sequenceOf(replica.submit(Optional.empty(), 10, 100, SequenceFault.NONE, new Events()));
        at(replica, 60);
        replica.abort(second);
        at(replica, 70);

        // 100 tokens/s alone; from 25 ms 50 each, so the half token left takes 10 ms; from 60 ms alone again.
        assertThat(first.tokens).containsExactly(0.0, 10.0, 20.0, 35.0, 55.0, 67.5);
    }

    // --- KV cache ---

    @Test
    void kvCacheHoldsPromptAndGeneratedTokensOfRunningSequencesOnly() {
        Replica replica = replica(2, 8, 1000, 0, 0, 100, 0);

        submit(replica, 100, 50);
        submit(replica, 200, 50);
        Events waiting = submit(replica, 300, 50);
        at(replica, 100);

        // 11 tokens each by 100 ms (the first at 0); the waiting prompt holds no cache.
        assertThat(replica.load()).isEqualTo(new Replica.Load(2, 1, 100 + 11 + 200 + 11, 0, 0, 0));
        at(replica, 490);
        assertThat(waiting.admitted).containsExactly(490.0);
        assertThat(replica.load()).isEqualTo(new Replica.Load(1, 0, 300 + 1, 0, 0, 0));
        at(replica, 2000);
        assertThat(replica.load()).isEqualTo(new Replica.Load(0, 0, 0, 0, 0, 0));
    }

    @Test
    void aFullKvCacheKeepsRequestsWaitingThoughSlotsAreFree() {
        Replica replica = replica(8, 8, 100, 0, 0, 100, 0);

        Events first = submit(replica, 60, 10);
        Events second = submit(replica, 40, 10);

        assertThat(replica.load().running()).isEqualTo(1);
        assertThat(replica.load().waiting()).isEqualTo(1);
        at(replica, 1000);
        assertThat(first.finished).isEqualTo(90.0);
        assertThat(second.admitted).containsExactly(90.0);
    }

    @Test
    void aCacheFilledMidGenerationPreemptsTheNewestSequenceWhichRecomputesLater() {
        Replica replica = replica(8, 8, 30, 0, 1000, 100, 0);

        Events older = submit(replica, 10, 10);
        Events newer = submit(replica, 10, 10);
        at(replica, 1000);

        // Both grow one token per 10 ms until the cache is full at 60 ms; the newer one is preempted, waits
        // for the older one to finish at 100 ms, then prefills its 14 tokens again (14 ms) and carries on.
        assertThat(older.tokens).containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0);
        assertThat(newer.tokens).containsExactly(20.0, 30.0, 40.0, 50.0, 114.0, 124.0, 134.0, 144.0, 154.0, 164.0);
        assertThat(newer.admitted).as("queue time counts from the first admission only").containsExactly(0.0);
        assertThat(newer.finished).isEqualTo(164.0);
        assertThat(replica.load()).isEqualTo(new Replica.Load(0, 0, 0, 1, 0, 0));
    }

    @Test
    void refusesASequenceTheCacheCouldNeverHold() {
        Replica replica = replica(8, 8, 100, 0, 0, 100, 0);

        assertThatThrownBy(() -> replica.submit(Optional.empty(), 60, 41, SequenceFault.NONE, new Events()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- prefix cache ---

    @Test
    void aConversationsNextRequestPrefillsOnlyWhatItsLastOneDidNotLeaveCached() {
        Replica replica = prefixCaching(true, 16_384, 16_384);

        Events firstTurn = submit(replica, "alice", 100, 10);
        at(replica, 1000);
        // The last prompt, its 10-token answer and 40 new tokens: 110 of the 150 are cached.
        Events nextTurn = submit(replica, "alice", 150, 1);
        at(replica, 2000);
        Events sameFromAnotherConversation = submit(replica, "bob", 150, 1);
        at(replica, 3000);

        assertThat(firstTurn.firstToken()).isEqualTo(100.0 + 200);
        assertThat(nextTurn.firstToken() - 1000).isEqualTo(40.0 + 200);
        assertThat(sameFromAnotherConversation.firstToken() - 2000).isEqualTo(150.0 + 200);
        assertThat(replica.load()).isEqualTo(new Replica.Load(0, 0, 0, 0, 100 + 150 + 150, 110));
    }

    @Test
    void withoutPrefixCachingEveryRequestPrefillsItsWholePrompt() {
        Replica replica = prefixCaching(false, 16_384, 16_384);

        submit(replica, "alice", 100, 10);
        at(replica, 1000);
        Events nextTurn = submit(replica, "alice", 150, 1);
        at(replica, 2000);

        assertThat(nextTurn.firstToken() - 1000).isEqualTo(150.0 + 200);
        assertThat(replica.load()).isEqualTo(new Replica.Load(0, 0, 0, 0, 0, 0));
    }

    @Test
    void aPromptShorterThanTheCachedPrefixIsPrefilledInFull() {
        Replica replica = prefixCaching(true, 16_384, 16_384);

        submit(replica, "alice", 100, 10);
        at(replica, 1000);
        // The history was trimmed: the cached 110 tokens are no longer its prefix.
        Events trimmed = submit(replica, "alice", 105, 1);
        at(replica, 2000);

        assertThat(trimmed.firstToken() - 1000).isEqualTo(105.0 + 200);
        assertThat(replica.load().prefixCacheHits()).isZero();
    }

    @Test
    void theLeastRecentlyUsedPrefixIsEvictedFirst() {
        Replica replica = prefixCaching(true, 1000, 1000);

        submit(replica, "alice", 500, 0);
        submit(replica, "bob", 500, 0);
        at(replica, 5000);
        // Running, carol's 500 tokens leave room for only one cached prefix: alice's, the older, goes.
        submit(replica, "carol", 500, 0);
        at(replica, 10_000);
        Events bob = submit(replica, "bob", 500, 0);
        at(replica, 15_000);
        Events alice = submit(replica, "alice", 500, 0);
        at(replica, 20_000);

        assertThat(bob.finished - 10_000).isEqualTo(0.0 + 200);
        assertThat(alice.finished - 15_000).isEqualTo(500.0 + 200);
    }

    @Test
    void runningSequencesEvictCachedPrefixesFromTheirEndUnlessThereIsMoreRoom() {
        Replica sharedWithTheKvCache = prefixCaching(true, 1000, 1000);
        Replica withRoomToSpare = prefixCaching(true, 1000, 2000);
        List<Double> firstTokens = new ArrayList<>();

        for (Replica replica : List.of(sharedWithTheKvCache, withRoomToSpare)) {
            clock = 0;
            submit(replica, "alice", 600, 0);
            // bob's 700 tokens leave 300 of alice's 600 cached when the prefix cache shares the KV cache.
            submit(replica, "bob", 700, 0);
            at(replica, 5000);
            Events nextTurn = submit(replica, "alice", 800, 1);
            at(replica, 10_000);
            firstTokens.add(nextTurn.firstToken());
        }

        assertThat(firstTokens).containsExactly(5000.0 + 500 + 200, 5000.0 + 200 + 200);
    }

    @Test
    void aPreemptedSequenceRecomputesOnlyWhatWasEvictedMeanwhile() {
        Replica replica = replica(8, 8, 30, 0, 1000, 100, 0);

        Events older = submit(replica, "older", 10, 10);
        Events newer = submit(replica, "newer", 10, 10);
        at(replica, 1000);

        // As without sessions, the newer sequence is preempted at 60 ms holding 14 tokens, which stay cached; the
        // older one's next four tokens evict four of them, so on readmission at 100 ms it prefills 4 tokens, not 14.
        assertThat(older.tokens).containsExactly(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0);
        assertThat(newer.tokens).containsExactly(20.0, 30.0, 40.0, 50.0, 104.0, 114.0, 124.0, 134.0, 144.0, 154.0);
        assertThat(replica.load()).isEqualTo(new Replica.Load(0, 0, 0, 1, 10 + 10 + 14, 10));
    }

    @Test
    void aSequenceAbortedBeforeItsPrefillEndsLeavesNothingCached() {
        Replica replica = prefixCaching(true, 16_384, 16_384);

        Replica.Admission abandoned = replica.submit(Optional.of("alice"), 1000, 10, SequenceFault.NONE, new Events());
        at(replica, 500);
        replica.abort(sequenceOf(abandoned));
        at(replica, 1000); // the prefill lane is busy until then all the same
        Events retried = submit(replica, "alice", 1000, 10);
        at(replica, 5000);

        assertThat(retried.firstToken() - 1000).isEqualTo(1000.0 + 200);
        assertThat(replica.load().prefixCacheHits()).isZero();
    }

    // --- admission ---

    @Test
    void admitsUpToTheLimitInArrivalOrderAndAnAbortFreesThePlace() {
        Replica replica = instantStart(2, 8);
        List<Sequence> sequences = new ArrayList<>();
        List<Events> events = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Events heard = new Events();
            events.add(heard);
            sequences.add(sequenceOf(replica.submit(Optional.empty(), 10, 1000, SequenceFault.NONE, heard)));
        }
        assertThat(replica.load().running()).isEqualTo(2);
        assertThat(replica.load().waiting()).isEqualTo(3);

        at(replica, 5);
        replica.abort(sequences.get(1));
        replica.abort(sequences.get(3)); // still waiting: leaves the queue and is never admitted
        replica.abort(sequences.get(3));
        at(replica, 7);
        replica.abort(sequences.get(0));

        assertThat(events.get(2).admitted).containsExactly(5.0);
        assertThat(events.get(3).admitted).isEmpty();
        assertThat(events.get(4).admitted).containsExactly(7.0);
        assertThat(replica.load().running()).isEqualTo(2);
        assertThat(replica.load().waiting()).isZero();
    }

    @Test
    void refusesARequestBeyondTheWaitingLimit() {
        Replica replica = instantStart(1, 1);

        Sequence running = sequenceOf(replica.submit(Optional.empty(), 10, 1000, SequenceFault.NONE, new Events()));
        submit(replica, 10, 10);
        Replica.Admission refused = replica.submit(Optional.empty(), 10, 10, SequenceFault.NONE, new Events());

        assertThat(refused).isEqualTo(new Replica.QueueFull(1));
        assertThat(replica.load().waiting()).isEqualTo(1);
        replica.abort(running);
        assertThat(replica.submit(Optional.empty(), 10, 10, SequenceFault.NONE, new Events())).isInstanceOf(Replica.Accepted.class);
    }

    @Test
    void withoutAWaitingQueueOnlyRequestsThatRunAtOnceAreAccepted() {
        Replica replica = instantStart(1, 0);

        submit(replica, 10, 1000);

        assertThat(replica.submit(Optional.empty(), 10, 10, SequenceFault.NONE, new Events())).isEqualTo(new Replica.QueueFull(0));
    }

    @Test
    void withEverythingInstantTheWholeReplyIsOutBeforeSubmitReturns() {
        Replica replica = replica(8, 8, 16_384, 0, 0, 0, 0.02);

        Events events = submit(replica, 10, 32);

        assertThat(events.tokens).hasSize(32).containsOnly(0.0);
        assertThat(events.finished).isEqualTo(0.0);
        assertThat(wakeupAt).isEqualTo(Long.MAX_VALUE);
        assertThat(replica.load()).isEqualTo(new Replica.Load(0, 0, 0, 0, 0, 0));
    }

    // --- injected faults ---

    @Test
    void aFailingSequenceStopsAfterItsTokensAndFreesItsPlace() {
        Replica replica = instantStart(8, 8);

        Events events = submit(replica, 10, 5, new SequenceFault.Fail(2));
        at(replica, 1000);

        assertThat(events.tokens).containsExactly(0.0, 10.0);
        assertThat(events.failed).isEqualTo(20.0);
        assertThat(events.finished).isNull();
        assertThat(replica.load()).isEqualTo(new Replica.Load(0, 0, 0, 0, 0, 0));
    }

    @Test
    void aFailureBeforeTheFirstTokenComesWhenTheFirstTokenWouldHave() {
        Replica replica = replica(8, 8, 16_384, 200, 1000, 100, 0);

        Events events = submit(replica, 100, 5, new SequenceFault.Fail(0));
        at(replica, 1000);

        assertThat(events.tokens).isEmpty();
        assertThat(events.failed).isEqualTo(300.0);
    }

    @Test
    void aFailureAfterMoreTokensThanTheReplyHasReplacesTheEnd() {
        Replica replica = instantStart(8, 8);

        Events events = submit(replica, 10, 3, new SequenceFault.Fail(10));
        at(replica, 1000);

        assertThat(events.tokens).containsExactly(0.0, 10.0, 20.0);
        assertThat(events.failed).isEqualTo(20.0);
        assertThat(events.finished).isNull();
    }

    @Test
    void aStalledSequenceHoldsItsPlaceThenCarriesOn() {
        Replica replica = instantStart(8, 8);

        Events events = submit(replica, 10, 4, new SequenceFault.Stall(2, Optional.of(Duration.ofSeconds(1))));
        at(replica, 500);
        assertThat(events.tokens).containsExactly(0.0, 10.0);
        assertThat(replica.load()).isEqualTo(new Replica.Load(1, 0, 12, 0, 0, 0));
        assertThat(wakeupAt).isEqualTo(nanos(1020));
        at(replica, 2000);

        assertThat(events.tokens).containsExactly(0.0, 10.0, 1020.0, 1030.0);
        assertThat(events.finished).isEqualTo(1030.0);
    }

    @Test
    void aSequenceStalledForeverWaitsForItsClientToGiveUp() {
        Replica replica = instantStart(1, 8);

        Replica.Admission admission = replica.submit(Optional.empty(), 10, 4, new SequenceFault.Stall(1, Optional.empty()), new Events());
        Events next = submit(replica, 10, 1);
        at(replica, TimeUnit.HOURS.toMillis(1));

        assertThat(replica.load()).isEqualTo(new Replica.Load(1, 1, 11, 0, 0, 0));
        assertThat(wakeupAt).isEqualTo(Long.MAX_VALUE);
        replica.abort(sequenceOf(admission));
        assertThat(next.finished).isEqualTo((double) TimeUnit.HOURS.toMillis(1));
    }
}
