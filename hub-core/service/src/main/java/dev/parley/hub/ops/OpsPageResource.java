package dev.parley.hub.ops;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The ops page itself is static ({@code META-INF/resources/ops/index.html}, served at {@code /ops/}); this only
 * sends {@code /ops} there, so the page's address works with or without its slash. The page needs no token to load:
 * it asks for one and sends it to {@code /ops/api} only.
 */
@Path("/ops")
public class OpsPageResource {

    private static final String PAGE = "META-INF/resources/ops/index.html";

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response page(@Context UriInfo uri) {
        if (!uri.getRequestUri().getRawPath().endsWith("/")) {
            return Response.seeOther(URI.create("/ops/")).build();
        }
        // Only if the REST layer claims "/ops/" before the static resources do.
        InputStream page = Thread.currentThread().getContextClassLoader().getResourceAsStream(PAGE);
        if (page == null) {
            throw new NotFoundException();
        }
        return Response.ok(page, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).build();
    }
}
