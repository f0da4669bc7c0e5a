package dev.parley.simulator.fault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * Lets a load harness or a test change the replica's faults without a restart: {@code POST} the fields to change,
 * {@code GET} what is in force, {@code DELETE} to go back to the configured faults.
 */
@Path("/simulator/faults")
@NonBlocking // only touches memory and timers, so a worker-thread hop would be pure overhead
public class FaultResource {

    @Inject
    FaultControl faults;

    @Inject
    ObjectMapper json;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public FaultSettingsJson.View settings() {
        return FaultSettingsJson.View.of(faults.settings());
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response change(String body) {
        JsonNode changes;
        try {
            changes = body == null || body.isBlank() ? null : json.readTree(body);
        } catch (JsonProcessingException e) {
            return invalid("The body is not valid JSON: " + e.getOriginalMessage());
        }
        return switch (FaultSettingsJson.merge(faults.settings(), changes)) {
            case FaultSettingsJson.Invalid(String reason) -> invalid(reason);
            case FaultSettingsJson.Valid(FaultSettings settings) -> {
                faults.apply(settings);
                yield Response.ok(FaultSettingsJson.View.of(settings)).build();
            }
        };
    }

    @DELETE
    public void reset() {
        faults.reset();
    }

    // The OpenAI error shape, so one client-side error reader serves every endpoint of the simulator.
    private static Response invalid(String reason) {
        return Response.status(Response.Status.BAD_REQUEST)
                .entity(Map.of("error", Map.of("message", reason, "type", "invalid_request_error", "code", 400)))
                .build();
    }
}
