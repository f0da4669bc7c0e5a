package dev.parley.bridge.pool;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * The bridge is ready only while at least one model replica is: a bridge whose replicas are all loading or gone
 * would take records from Kafka only to answer "busy". Kafka's and Infinispan's own checks sit beside this one.
 */
@Readiness
@ApplicationScoped
public class PoolReadiness implements HealthCheck {

    private final ModelPool pool;

    public PoolReadiness(ModelPool pool) {
        this.pool = pool;
    }

    @Override
    public HealthCheckResponse call() {
        long ready = pool.replicas().stream().filter(ReplicaLoad::routable).count();
        return HealthCheckResponse.named("model-pool").status(ready > 0)
                .withData("readyReplicas", ready).withData("replicas", pool.replicas().size())
                .withData("capacity", pool.capacity()).build();
    }
}
