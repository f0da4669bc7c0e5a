package dev.parley.adapter.whatsapp;

import static dev.parley.adapter.whatsapp.WhatsAppCredentials.ACCESS_TOKEN;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.GRAPH_VERSION;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.parley.contract.spi.BotProfile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The few Graph API calls Parley makes for a WhatsApp number, on the JDK HTTP client: there is no maintained Java
 * SDK on Maven Central. Each bot may name its own Graph base URL (its {@code apiBaseUrl}) and API version.
 */
public final class WhatsAppGraphApi {

    public static final String DEFAULT_BASE_URL = "https://graph.facebook.com";
    public static final String DEFAULT_VERSION = "v23.0";

    private static final Pattern VERSION = Pattern.compile("v\\d+\\.\\d+");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    /**
     * One Graph answer. {@code error} is Meta's error object ({@code code}, {@code error_subcode}, {@code message},
     * {@code type}, {@code error_data.details}) or a missing node on success.
     */
    public record Answer(int status, JsonNode body, Duration retryAfter) {
        public boolean ok() {
            return status / 100 == 2 && body.path("error").isMissingNode();
        }

        public JsonNode error() {
            return body.path("error");
        }

        public int errorCode() {
            return error().path("code").asInt(0);
        }

        /** Meta's words for the error, without anything of the request (tokens never appear in error objects). */
        public String errorText() {
            JsonNode error = error();
            String details = error.path("error_data").path("details").asText("");
            return error.path("message").asText("HTTP " + status) + (details.isEmpty() ? "" : " (" + details + ")");
        }
    }

    private final HttpClient http;
    private final ObjectMapper json;

    public WhatsAppGraphApi(HttpClient http, ObjectMapper json) {
        this.http = http;
        this.json = json;
    }

    /** The bot's Graph base URL and version, or empty when either is not usable. */
    static Optional<String> root(BotProfile bot) {
        String base = bot.apiBaseUrl() == null || bot.apiBaseUrl().isBlank() ? DEFAULT_BASE_URL : bot.apiBaseUrl();
        String version = bot.credential(GRAPH_VERSION) == null ? DEFAULT_VERSION : bot.credential(GRAPH_VERSION);
        if (!VERSION.matcher(version).matches()) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(base);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return Optional.empty();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.of((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/" + version);
    }

    public Answer post(BotProfile bot, String path, Object body) throws IOException, InterruptedException {
        return call(bot, path, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)), "POST");
    }

    public Answer get(BotProfile bot, String path) throws IOException, InterruptedException {
        return call(bot, path, HttpRequest.BodyPublishers.noBody(), "GET");
    }

    private Answer call(BotProfile bot, String path, HttpRequest.BodyPublisher body, String method)
            throws IOException, InterruptedException {
        String root = root(bot).orElseThrow(() -> new IOException(
                "the bot's apiBaseUrl or graphVersion is not usable (scheme://host[:port] and vNN.N)"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "/" + path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + bot.credential(ACCESS_TOKEN))
                .header("Content-Type", "application/json")
                .method(method, body)
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode parsed;
        try {
            parsed = response.body().length == 0 ? MissingNode.getInstance() : json.readTree(response.body());
        } catch (IOException notJson) {
            // A proxy's HTML error page: keep the status, there is no error object to read.
            parsed = MissingNode.getInstance();
        }
        Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(WhatsAppGraphApi::seconds)
                .orElse(null);
        return new Answer(response.statusCode(), parsed, retryAfter);
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
