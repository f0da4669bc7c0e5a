package dev.parley.simulator.health;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** The model server's liveness endpoint as vLLM serves it: 200 once loaded, 503 while loading. */
@Path("/health")
@NonBlocking // only reads a clock, so a worker-thread hop would be pure overhead
public class HealthResource {

    @Inject
    ModelLoad modelLoad;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response health() {
        return modelLoad.loaded()
                ? Response.ok(Map.of()).build()
                : Response.status(Response.Status.SERVICE_UNAVAILABLE).entity(Map.of("message", "Loading model")).build();
    }
}
