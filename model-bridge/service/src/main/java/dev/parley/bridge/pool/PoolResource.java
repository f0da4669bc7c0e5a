package dev.parley.bridge.pool;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * The model pool as the bridge sees it, for the hub's ops page and for operators: every replica's load, readiness
 * and cooldown. The bridge listens on an internal address only; nothing here is a secret.
 */
@Path("/pool")
@Produces(MediaType.APPLICATION_JSON)
public class PoolResource {

    /** The pool now: requests it can run at once, in flight, and each replica (primary first, then fallback). */
    public record PoolView(int capacity, int inFlight, boolean fallbackConfigured, List<ReplicaLoad> replicas) {
    }

    private final ModelPool pool;

    public PoolResource(ModelPool pool) {
        this.pool = pool;
    }

    @GET
    public PoolView view() {
        List<ReplicaLoad> replicas = pool.replicas();
        return new PoolView(pool.capacity(), replicas.stream().mapToInt(ReplicaLoad::inFlight).sum(),
                pool.hasFallback(), replicas);
    }
}
