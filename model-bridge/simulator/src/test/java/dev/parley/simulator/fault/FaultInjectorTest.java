package dev.parley.simulator.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.simulator.replica.SequenceFault;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FaultInjectorTest {

    private static final FaultSettings NONE = new FaultSettings(0, 0, 0, 0, Optional.empty(), 0, 0, Optional.empty(), 1);

    private static FaultSettings settings(double errorRate, double stallRate, double rateLimitRate, long seed) {
        return new FaultSettings(errorRate, 3, stallRate, 2, Optional.of(Duration.ofSeconds(5)), rateLimitRate, 0, Optional.empty(), seed);
    }

    private static List<FaultInjector.Verdict> draws(FaultInjector injector, int count) {
        List<FaultInjector.Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            verdicts.add(injector.draw());
        }
        return verdicts;
    }

    @Test
    void withoutFaultsEveryRequestIsServedCleanly() {
        assertThat(draws(new FaultInjector(NONE), 1000)).containsOnly(new FaultInjector.Serve(SequenceFault.NONE));
    }

    @Test
    void anErrorRateOfOneFailsEveryRequestAfterItsTokens() {
        assertThat(draws(new FaultInjector(settings(1, 0, 0, 1)), 1000))
                .containsOnly(new FaultInjector.Serve(new SequenceFault.Fail(3)));
    }

    @Test
    void aRateLimitRateOfOneRefusesEveryRequestBeforeAnyOtherFault() {
        assertThat(draws(new FaultInjector(settings(1, 1, 1, 1)), 1000)).containsOnly(new FaultInjector.RateLimited());
    }

    @Test
    void stallsCarryTheirPointAndDuration() {
        assertThat(draws(new FaultInjector(settings(0, 1, 0, 1)), 10))
                .containsOnly(new FaultInjector.Serve(new SequenceFault.Stall(2, Optional.of(Duration.ofSeconds(5)))));
    }

    @Test
    void aRateIsTheShareOfRequestsHit() {
        long failed = draws(new FaultInjector(settings(0.3, 0, 0, 7)), 10_000).stream()
                .filter(verdict -> verdict instanceof FaultInjector.Serve(SequenceFault.Fail fail))
                .count();

        assertThat(failed).isBetween(2_700L, 3_300L);
    }

    @Test
    void theSameSeedInjectsTheSameFaults() {
        FaultSettings settings = settings(0.2, 0.2, 0.2, 42);

        assertThat(draws(new FaultInjector(settings), 500)).isEqualTo(draws(new FaultInjector(settings), 500));
        assertThat(draws(new FaultInjector(settings), 500)).isNotEqualTo(draws(new FaultInjector(settings(0.2, 0.2, 0.2, 43)), 500));
    }

    @Test
    void changingOneRateLeavesWhichRequestsTheOthersHit() {
        List<FaultInjector.Verdict> without = draws(new FaultInjector(settings(0.25, 0, 0, 9)), 500);
        List<FaultInjector.Verdict> withStalls = draws(new FaultInjector(settings(0.25, 0.5, 0, 9)), 500);

        for (int i = 0; i < 500; i++) {
            boolean failedBefore = without.get(i) instanceof FaultInjector.Serve(SequenceFault.Fail fail);
            boolean failedNow = withStalls.get(i) instanceof FaultInjector.Serve(SequenceFault.Fail fail);
            assertThat(failedNow).as("request %d", i).isEqualTo(failedBefore);
        }
    }

    @Test
    void newSettingsRestartTheDrawsFromTheirSeed() {
        FaultSettings settings = settings(0.5, 0.5, 0, 3);
        FaultInjector injector = new FaultInjector(settings);
        List<FaultInjector.Verdict> first = draws(injector, 100);

        injector.apply(settings);

        assertThat(draws(injector, 100)).isEqualTo(first);
    }

    @Test
    void theCrashStrikesAsTheNamedRequestArrivesCountedFromTheSetting() {
        FaultInjector injector = new FaultInjector(new FaultSettings(0, 0, 0, 0, Optional.empty(), 0, 3, Optional.empty(), 1));

        assertThat(List.of(injector.arriveAndCheckCrash(), injector.arriveAndCheckCrash(), injector.arriveAndCheckCrash(),
                injector.arriveAndCheckCrash())).containsExactly(false, false, true, false);
        injector.apply(injector.settings());
        assertThat(List.of(injector.arriveAndCheckCrash(), injector.arriveAndCheckCrash(), injector.arriveAndCheckCrash()))
                .containsExactly(false, false, true);
    }

    @Test
    void noCrashWhenNoneIsSet() {
        FaultInjector injector = new FaultInjector(NONE);

        for (int i = 0; i < 1000; i++) {
            assertThat(injector.arriveAndCheckCrash()).isFalse();
        }
    }
}
