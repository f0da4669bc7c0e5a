package dev.parley.hub.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BridgeAutoscalingTest {

    private static LagReport report(long lag, int partitions) {
        List<LagReport.PartitionLag> parts = Collections.nCopies(partitions, null);
        LagReport.GroupLag group = new LagReport.GroupLag("parley-bridge", "parley.requests", lag, 1.0, 0, 0, 0, null,
                ConsumerState.OK, parts);
        return new LagReport(Instant.EPOCH, 5, List.of(group), List.of());
    }

    @Test
    void oneReplicaPerThresholdOfLagRoundedUpAndNeverMoreThanThePartitions() {
        assertThat(BridgeAutoscaling.of(report(0, 8), "parley-bridge", 50)).get()
                .extracting(BridgeAutoscaling::replicasWanted).isEqualTo(0);
        assertThat(BridgeAutoscaling.of(report(1, 8), "parley-bridge", 50)).get()
                .extracting(BridgeAutoscaling::replicasWanted).isEqualTo(1);
        assertThat(BridgeAutoscaling.of(report(101, 8), "parley-bridge", 50)).get()
                .extracting(BridgeAutoscaling::replicasWanted).isEqualTo(3);
        assertThat(BridgeAutoscaling.of(report(100_000, 8), "parley-bridge", 50)).get()
                .extracting(BridgeAutoscaling::replicasWanted).isEqualTo(8);
    }

    @Test
    void anUnsampledGroupWantsNothingYet() {
        assertThat(BridgeAutoscaling.of(report(10, 8), "someone-else", 50)).isEmpty();
    }
}
