package dev.parley.baseline;

import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

/**
 * Answers every webhook with 200 and does nothing else: the same path and body size as the hub's webhook, on the
 * same Quarkus REST stack, so the ingress scenario can say how much of the machine's HTTP capacity Parley keeps
 * while it verifies, deduplicates and stores each message on Kafka.
 */
@Path("/webhooks/{platform}/{bot}")
public class BareWebhookResource {

    @POST
    public Response receive(@PathParam("platform") String platform, @PathParam("bot") String bot, byte[] body) {
        return Response.ok().build();
    }
}
