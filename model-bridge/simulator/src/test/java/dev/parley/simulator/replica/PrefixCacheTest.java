package dev.parley.simulator.replica;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefixCacheTest {

    private final PrefixCache cache = new PrefixCache();

    @Test
    void aSessionsPrefixIsAHitForASequenceAtLeastAsLongAndIsHandedOverOnce() {
        cache.keep("alice", 110);

        assertThat(cache.take("alice", 110)).isEqualTo(110);
        assertThat(cache.take("alice", 200)).as("taken by the first").isZero();
        assertThat(cache.take("bob", 200)).isZero();
    }

    @Test
    void aShorterSequenceMissesAndDropsThePrefix() {
        cache.keep("alice", 110);

        assertThat(cache.take("alice", 109)).isZero();
        assertThat(cache.take("alice", 200)).isZero();
    }

    @Test
    void aSessionKeepsOnlyItsLatestPrefix() {
        cache.keep("alice", 110);
        cache.keep("alice", 50);
        cache.evictTo(50);

        assertThat(cache.take("alice", 200)).isEqualTo(50);
    }

    @Test
    void evictsTheLeastRecentlyKeptPrefixesFirstEachFromItsEnd() {
        cache.keep("alice", 100);
        cache.keep("bob", 100);
        cache.keep("carol", 100);
        cache.keep("alice", 100); // kept again: now the most recent

        cache.evictTo(150);

        assertThat(cache.take("bob", 1000)).isZero();
        assertThat(cache.take("carol", 1000)).isEqualTo(50);
        assertThat(cache.take("alice", 1000)).isEqualTo(100);
    }

    @Test
    void noRoomEvictsEverything() {
        cache.keep("alice", 100);

        cache.evictTo(-20);

        assertThat(cache.take("alice", 1000)).isZero();
    }
}
