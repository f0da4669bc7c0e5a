package dev.parley.bridge.pool;

import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** An OpenAI-compatible model server; its base URL (ending in {@code /v1}) is {@code parley.model.base-url}. */
@RegisterRestClient(configKey = "model")
public interface ModelApi {

    /**
     * @param sessionId   the conversation id, so affinity-aware routers in front of the pool (llm-d, the
     *                    Gateway API Inference Extension) keep a conversation on one replica's prefix cache
     * @param authorization {@code Bearer <key>} for hosted endpoints, or {@code null}
     */
    @POST
    @Path("/chat/completions")
    CompletionResponse complete(@HeaderParam("x-session-id") String sessionId,
                                @HeaderParam("Authorization") String authorization, CompletionRequest request);
}
