package dev.parley.hub.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The model pool as each bridge sees it ({@code GET {bridge}/pool}: capacity, in flight, every replica's load,
 * readiness and cooldown), for the ops page. Asked when the page asks, with a short timeout: a bridge that does not
 * answer shows as such, it never slows the lag report down for long.
 */
public final class BridgePools {

    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json;
    private final List<String> bridgeUrls;

    public BridgePools(ObjectMapper json, List<String> bridgeUrls) {
        this.json = json;
        this.bridgeUrls = List.copyOf(bridgeUrls);
    }

    public boolean configured() {
        return !bridgeUrls.isEmpty();
    }

    /** One entry per bridge: its URL and its pool, or why it could not be read. */
    public List<Map<String, Object>> read() {
        return bridgeUrls.stream().parallel().map(this::readOne).toList();
    }

    private Map<String, Object> readOne(String url) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url + "/pool"))
                    .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Map.of("bridge", url, "error", "HTTP " + response.statusCode());
            }
            JsonNode pool = json.readTree(response.body());
            return Map.of("bridge", url, "capacity", pool.path("capacity").asInt(), "inFlight",
                    pool.path("inFlight").asInt(), "fallbackConfigured", pool.path("fallbackConfigured").asBoolean(),
                    "replicas", pool.path("replicas"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Map.of("bridge", url, "error", "interrupted");
        } catch (Exception e) {
            return Map.of("bridge", url, "error", "unreachable: " + e.getClass().getSimpleName());
        }
    }
}
