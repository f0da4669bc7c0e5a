package dev.parley.hub.ingress;

import dev.parley.contract.Platform;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.PlatformAdapter;
import dev.parley.hub.delivery.DeliveryRecords;
import dev.parley.hub.pipeline.InboundPipeline;
import dev.parley.hub.registry.BotProfiles;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one webhook endpoint of every platform, {@code /webhooks/{platform}/{botId}}: hands the raw bytes and headers
 * to the platform's adapter and its messages to the pipeline, and answers 200 only once Kafka has them. Bad input
 * is the adapter's refusal (401, 400, 413) with a reason; Kafka unreachable is a 503 the platform retries.
 */
@Path("/webhooks/{platform}/{botId}")
public class WebhookResource {

    private final Map<Platform, PlatformAdapter> adapters = new EnumMap<>(Platform.class);
    private final BotProfiles profiles;
    private final InboundPipeline pipeline;
    private final MeterRegistry meters;
    private final DeliveryRecords records;

    public WebhookResource(Instance<PlatformAdapter> adapters, BotProfiles profiles, InboundPipeline pipeline,
                           MeterRegistry meters, DeliveryRecords records) {
        adapters.forEach(adapter -> this.adapters.put(adapter.platform(), adapter));
        this.profiles = profiles;
        this.pipeline = pipeline;
        this.meters = meters;
        this.records = records;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    public Uni<Response> receive(@PathParam("platform") String platform, @PathParam("botId") String botId,
                                 @Context HttpHeaders headers, @Context UriInfo uri, byte[] body) {
        return handle(platform, botId, headers, uri, body == null ? new byte[0] : body);
    }

    /** Subscription handshakes (WhatsApp's {@code hub.challenge}) arrive as GET. */
    @GET
    public Uni<Response> handshake(@PathParam("platform") String platform, @PathParam("botId") String botId,
                                   @Context HttpHeaders headers, @Context UriInfo uri) {
        return handle(platform, botId, headers, uri, new byte[0]);
    }

    private Uni<Response> handle(String platformId, String botId, HttpHeaders headers, UriInfo uri, byte[] body) {
        Platform platform;
        try {
            platform = Platform.fromId(platformId.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(problem(404, "unknown platform '" + platformId + "'"));
        }
        PlatformAdapter adapter = adapters.get(platform);
        if (adapter == null || platform == Platform.WEBCHAT) {
            return Uni.createFrom().item(problem(404, "no webhook for platform " + platform.id() + " in this build"));
        }
        return profiles.of(botId, platform).flatMap(bot -> {
            if (bot.isEmpty()) {
                return Uni.createFrom().item(problem(404, "no " + platform.id() + " bot with id '" + botId + "'"));
            }
            InboundOutcome outcome = adapter.receive(bot.get(), new InboundPayload(headers.getRequestHeaders(),
                    uri.getQueryParameters(), body, null));
            return switch (outcome) {
                case InboundOutcome.Refused refused -> {
                    meters.counter("parley_messages_rejected", "platform", platform.id(), "bot", botId,
                            "reason", Integer.toString(refused.status())).increment();
                    yield Uni.createFrom().item(problem(refused.status(), refused.reason()));
                }
                case InboundOutcome.Answered answered -> Uni.createFrom().item(Response.status(answered.status())
                        .type(answered.contentType()).entity(answered.body()).build());
                case InboundOutcome.Accepted accepted -> receipts(platform, botId, accepted)
                        .flatMap(ignored -> accept(accepted))
                        .onFailure().recoverWithItem(WebhookResource::unavailable);
            };
        }).onFailure().recoverWithItem(WebhookResource::unavailable); // the registry unreachable: retry later
    }

    /** Receipts go to the delivery record before the platform is answered, so a failure makes it send them again. */
    private Uni<Void> receipts(Platform platform, String botId, InboundOutcome.Accepted accepted) {
        if (accepted.receipts().isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().item(() -> {
            accepted.receipts().forEach(receipt -> records.apply(platform, botId, receipt));
            return (Void) null;
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private Uni<Response> accept(InboundOutcome.Accepted accepted) {
        if (accepted.messages().isEmpty()) {
            return Uni.createFrom().item(Response.ok().build());
        }
        List<Uni<InboundPipeline.Acceptance>> each = accepted.messages().stream().map(pipeline::accept).toList();
        return Uni.join().all(each).andFailFast()
                .map(acceptances -> acceptances.contains(InboundPipeline.Acceptance.IN_FLIGHT)
                        // Another node is storing the first copy: let the platform come back in a second.
                        ? Response.status(503).header("Retry-After", "1").build()
                        : Response.ok().build());
    }

    /** Kafka, Redis or the registry unreachable: the platform keeps the update and sends it again. */
    private static Response unavailable() {
        return Response.status(503).header("Retry-After", "5").type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "Parley could not store the update right now; retry")).build();
    }

    private static Response problem(int status, String reason) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", reason)).build();
    }
}
