package dev.parley.hub.ops;

import java.util.Optional;

/**
 * The bridge replica count an autoscaler would ask for at the current lag, computed the way KEDA's Apache Kafka
 * scaler does (the scaler the project's Kubernetes setup uses): {@code ceil(total lag / lagThreshold)}, never more
 * than the topic's partitions (a consumer beyond them would sit idle), and at least one while anything waits. The
 * ops page shows it so an operator can see what the autoscaler is about to do, and why.
 *
 * @param lagThreshold the lag one bridge replica is meant to carry (KEDA's {@code lagThreshold})
 */
public record BridgeAutoscaling(String group, String topic, long lagMessages, int partitions, long lagThreshold,
                                int replicasWanted) {

    /** For the watched group named {@code group} in the report, or empty when it is not sampled (yet). */
    static Optional<BridgeAutoscaling> of(LagReport report, String group, long lagThreshold) {
        return report.groups().stream().filter(g -> g.group().equals(group)).findFirst().map(lag -> {
            int partitions = lag.partitions().size();
            long wanted = lag.lagMessages() == 0 ? 0 : Math.max(1, (lag.lagMessages() + lagThreshold - 1) / lagThreshold);
            return new BridgeAutoscaling(lag.group(), lag.topic(), lag.lagMessages(), partitions, lagThreshold,
                    (int) Math.min(wanted, partitions));
        });
    }
}
