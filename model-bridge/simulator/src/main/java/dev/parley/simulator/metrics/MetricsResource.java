package dev.parley.simulator.metrics;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;

/** Serves the replica's metrics where Prometheus scrapes a vLLM server. */
@Path("/metrics")
@NonBlocking // renders from memory, so a worker-thread hop would be pure overhead
public class MetricsResource {

    @Inject
    ReplicaMetrics metrics;

    @GET
    @Produces(ReplicaMetrics.CONTENT_TYPE)
    public String scrape() {
        return metrics.scrape();
    }
}
