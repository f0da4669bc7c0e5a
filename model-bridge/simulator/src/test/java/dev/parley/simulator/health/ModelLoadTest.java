package dev.parley.simulator.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ModelLoadTest {

    private long clock = 5_000_000_000L;

    @Test
    void isLoadingForTheLoadTimeAfterStartThenLoaded() {
        ModelLoad load = new ModelLoad(Duration.ofSeconds(30), () -> clock);
        load.startLoading();

        assertThat(load.loaded()).isFalse();
        assertThat(load.remaining()).isEqualTo(Duration.ofSeconds(30));
        clock += Duration.ofSeconds(29).toNanos();
        assertThat(load.loaded()).isFalse();
        assertThat(load.remaining()).isEqualTo(Duration.ofSeconds(1));
        clock += Duration.ofSeconds(1).toNanos();
        assertThat(load.loaded()).isTrue();
        assertThat(load.remaining()).isZero();
    }

    @Test
    void withoutALoadTimeIsLoadedAtOnce() {
        ModelLoad load = new ModelLoad(Duration.ZERO, () -> clock);
        load.startLoading();

        assertThat(load.loaded()).isTrue();
    }
}
