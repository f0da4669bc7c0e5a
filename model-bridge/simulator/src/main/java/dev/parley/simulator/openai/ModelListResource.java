package dev.parley.simulator.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.parley.simulator.config.SimulatorConfig;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/** Lists the one model this replica serves, in the OpenAI format clients probe before sending completions. */
@Path("/v1/models")
@NonBlocking // answers from configuration, so a worker-thread hop would be pure overhead
public class ModelListResource {

    record ModelCard(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }

    record ModelList(String object, List<ModelCard> data) {
    }

    @Inject
    SimulatorConfig config;

    private final long startedAt = Instant.now().getEpochSecond();

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ModelList models() {
        return new ModelList("list", List.of(new ModelCard(config.modelName(), "model", startedAt, "parley")));
    }
}
