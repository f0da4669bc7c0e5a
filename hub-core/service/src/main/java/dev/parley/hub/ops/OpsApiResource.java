package dev.parley.hub.ops;

import dev.parley.hub.admin.AdminTokens;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The ops JSON API for the ops page and for scripts: thin HTTP over {@link LagMonitor}, behind the admin tokens. */
@Path("/ops/api")
@Produces(MediaType.APPLICATION_JSON)
@SecurityRequirement(name = "admin-token")
@Tag(name = "ops", description = "Kafka lag of Parley's consumer groups, and its dead letters")
public class OpsApiResource {

    private final LagMonitor monitor;

    public OpsApiResource(LagMonitor monitor) {
        this.monitor = monitor;
    }

    @GET
    @Path("/lag")
    @RolesAllowed(AdminTokens.VIEWER)
    @Operation(summary = "Lag of each watched group (messages, seconds, rates, time to drain, Burrow state) per "
            + "partition with its recent history, and each dead-letter topic's size and latest reasons")
    public LagReport lag() {
        return monitor.report();
    }
}
