package dev.parley.hub.admin;

import dev.parley.hub.registry.AuditEntry;
import dev.parley.hub.registry.AuditTrail;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The admin API: thin HTTP over {@link BotAdministration}. Viewers read; admins change. */
@Path("/admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@SecurityScheme(securitySchemeName = "admin-token", type = SecuritySchemeType.HTTP, scheme = "bearer")
@SecurityRequirement(name = "admin-token")
@Tag(name = "admin", description = "Bots, webhooks, secrets and the audit trail")
public class AdminResource {

    private final BotAdministration bots;
    private final AuditTrail audit;
    private final SecurityIdentity caller;

    public AdminResource(BotAdministration bots, AuditTrail audit, SecurityIdentity caller) {
        this.bots = bots;
        this.audit = audit;
        this.caller = caller;
    }

    private String actor() {
        return caller.getPrincipal().getName();
    }

    @GET
    @Path("/bots")
    @RolesAllowed(AdminTokens.VIEWER)
    @Operation(summary = "All bots; credentials only as present and fingerprint")
    public List<BotView> list() {
        return bots.list();
    }

    @POST
    @Path("/bots")
    @RolesAllowed(AdminTokens.ADMIN)
    @Operation(summary = "Add a bot with its credentials (400 naming the field, 409 if the id exists)")
    public Response create(BotRequests.Creation request) {
        BotView created = bots.create(actor(), request);
        return Response.created(URI.create("/admin/bots/" + created.id())).entity(created).build();
    }

    @GET
    @Path("/bots/{id}")
    @RolesAllowed(AdminTokens.VIEWER)
    public BotView show(@PathParam("id") String id) {
        return bots.show(id);
    }

    @PATCH
    @Path("/bots/{id}")
    @RolesAllowed(AdminTokens.ADMIN)
    @Operation(summary = "Change name, credentials (null removes an optional one), API base URL or policy")
    public BotView change(@PathParam("id") String id, BotRequests.Change request) {
        return bots.change(actor(), id, request);
    }

    @DELETE
    @Path("/bots/{id}")
    @RolesAllowed(AdminTokens.ADMIN)
    public Response remove(@PathParam("id") String id) {
        bots.remove(actor(), id);
        return Response.noContent().build();
    }

    @POST
    @Path("/bots/{id}/webhook")
    @RolesAllowed(AdminTokens.ADMIN)
    @Operation(summary = "Register {publicBaseUrl}/webhooks/{platform}/{id} with the platform (502 if it refuses)")
    public Map<String, Object> registerWebhook(@PathParam("id") String id, BotRequests.WebhookRegistration request) {
        return bots.registerWebhook(actor(), id, request);
    }

    @GET
    @Path("/bots/{id}/webhook")
    @RolesAllowed(AdminTokens.VIEWER)
    @Operation(summary = "The platform's view of the webhook (Telegram getWebhookInfo, Slack auth.test …)")
    public Map<String, Object> inspectWebhook(@PathParam("id") String id) {
        return bots.inspectWebhook(id);
    }

    @DELETE
    @Path("/bots/{id}/webhook")
    @RolesAllowed(AdminTokens.ADMIN)
    public Map<String, Object> removeWebhook(@PathParam("id") String id) {
        return bots.removeWebhook(actor(), id);
    }

    @GET
    @Path("/bots/{id}/deliveries")
    @RolesAllowed(AdminTokens.VIEWER)
    @Operation(summary = "Whether the platform rejected the bot's credentials, and the latest undelivered replies "
            + "with the platform's error code (WhatsApp 131047: outside the 24-hour window)")
    public BotAdministration.DeliveryReport deliveries(@PathParam("id") String id,
                                                       @QueryParam("limit") @DefaultValue("50") int limit) {
        return bots.deliveries(id, Math.clamp(limit, 1, 50));
    }

    @GET
    @Path("/bots/{id}/deliveries/{messageId}")
    @RolesAllowed(AdminTokens.VIEWER)
    @Operation(summary = "One sent message: the request it answered and each status the platform reported")
    public Map<String, String> delivery(@PathParam("id") String id, @PathParam("messageId") String messageId) {
        return bots.delivery(id, messageId);
    }

    @POST
    @Path("/bots/{id}/rotate")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(AdminTokens.ADMIN)
    @Operation(summary = "Rotate the webhook secret Parley generates, re-registering the webhook when it is set")
    public BotView rotate(@PathParam("id") String id) {
        return bots.rotateSecret(actor(), id);
    }

    @POST
    @Path("/bots/{id}/pairings/{code}")
    @Consumes(MediaType.WILDCARD)
    @RolesAllowed(AdminTokens.ADMIN)
    @Operation(summary = "Approve a pairing code a user got from the bot; the user joins the bot's allowlist")
    public BotView approvePairing(@PathParam("id") String id, @PathParam("code") String code) {
        return bots.approvePairing(actor(), id, code);
    }

    @GET
    @Path("/audit")
    @RolesAllowed(AdminTokens.VIEWER)
    @Operation(summary = "The latest admin changes, newest first")
    public List<AuditView> audit(@QueryParam("limit") @DefaultValue("100") int limit) {
        return audit.latest(Math.clamp(limit, 1, 1000)).stream().map(AuditView::of).toList();
    }

    /** An audit entry with its time as an ISO-8601 instant. */
    public record AuditView(Instant at, String actor, String action, String botId, String detail) {
        static AuditView of(AuditEntry entry) {
            return new AuditView(Instant.ofEpochMilli(entry.atMillis()), entry.actor(), entry.action(), entry.botId(),
                    entry.detail());
        }
    }
}
