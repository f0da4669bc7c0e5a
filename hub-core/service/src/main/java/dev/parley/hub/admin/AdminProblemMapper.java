package dev.parley.hub.admin;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Turns refusals into JSON bodies with a reason; malformed JSON bodies get the same shape. */
public class AdminProblemMapper {

    @ServerExceptionMapper
    public Response problem(AdminProblem problem) {
        return Response.status(problem.status()).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", problem.getMessage())).build();
    }

    /** Quarkus refuses a body it cannot read with a bare 400; say why, in the same shape as every refusal. */
    @ServerExceptionMapper
    public Response unreadable(WebApplicationException e) {
        if (e.getResponse().getStatus() != 400 || e.getResponse().hasEntity()) {
            return e.getResponse();
        }
        return Response.status(400).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "request body is not valid JSON for this endpoint")).build();
    }
}
