package dev.parley.simulator.record;

import io.smallrye.common.annotation.NonBlocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** Lets end-to-end tests read and reset what the replica was asked. */
@Path("/simulator/requests")
@NonBlocking // only touches memory, so a worker-thread hop would be pure overhead
public class RequestLogResource {

    @Inject
    RequestLog requestLog;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public List<RecordedRequest> requests() {
        return requestLog.requests();
    }

    @DELETE
    public void clear() {
        requestLog.clear();
    }
}
