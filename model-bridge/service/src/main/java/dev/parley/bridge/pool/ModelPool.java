package dev.parley.bridge.pool;

import dev.parley.bridge.config.BridgeConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.WebApplicationException;
import java.util.List;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Asks the model pool for one answer. Transient failures (connection refused, 5xx, 408, 429) are retried with
 * backoff here, the only retry loop; a refusal such as a context overflow (400) is not retried, since the same
 * request would fail again.
 *
 * <p>Not finished: one configured endpoint. Replica discovery, load- and affinity-aware routing and streaming
 * arrive with the model-bridge issue.
 */
@ApplicationScoped
public class ModelPool {

    /** A request the model server refused for good. */
    public static class ModelRefusedException extends RuntimeException {
        public ModelRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final ModelApi api;
    private final BridgeConfig.Model config;

    public ModelPool(@RestClient ModelApi api, BridgeConfig config) {
        this.api = api;
        this.config = config.model();
    }

    @Retry(maxRetries = 3, delay = 300, jitter = 150, abortOn = ModelRefusedException.class)
    public CompletionResponse complete(String conversationId, List<ChatMessage> messages) {
        CompletionRequest request = new CompletionRequest(config.name(), messages, config.maxTokens(), false);
        try {
            return api.complete(conversationId, config.apiKey().map(key -> "Bearer " + key).orElse(null), request);
        } catch (WebApplicationException e) {
            int status = e.getResponse().getStatus();
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                throw new ModelRefusedException("model server refused the request with HTTP " + status, e);
            }
            throw e;
        }
    }
}
