package dev.parley.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.simulator.PrometheusText;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A slow one-slot replica with room for one waiting request: requests queue behind each other, one more is
 * refused, and a client that hangs up frees its slot at once.
 */
@QuarkusTest
@TestProfile(ReplicaQueueingTest.OneSlowSlot.class)
class ReplicaQueueingTest {

    /** One slot, one waiting place and a 200-token reply at 20 tokens/s: a reply without max_tokens takes ten seconds. */
    public static class OneSlowSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "parley.simulator.max-concurrent-sequences", "1",
                    "parley.simulator.max-waiting-requests", "1",
                    "parley.simulator.time-to-first-token", "100ms",
                    "parley.simulator.tokens-per-second", "20",
                    "parley.simulator.reply-tokens", "200");
        }
    }

    private static final String MODEL = "{model_name=\"parley-simulator\"}";
    private static final String LONG_STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"tell me everything\"}]}";
    private static final String SHORT_REPLY = "{\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"me next\"}]}";

    @TestHTTPResource("/")
    URL root;

    @Test
    void aWaitingRequestGetsTheSlotOfAClientThatHungUp() throws Exception {
        Map<String, Double> before = metrics();
        CompletableFuture<HttpResponse<String>> queued;
        try (Socket hungUp = streamHoldingTheSlot()) {
            queued = queue(SHORT_REPLY);
            assertThat(gauge("vllm:num_requests_running")).isEqualTo(1.0);
            assertThat(queued).isNotDone();
        }

        // Far less than the ten seconds the hung-up stream would have held its slot.
        HttpResponse<String> next = queued.get(5, TimeUnit.SECONDS);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).contains("\"content\":\"Simulated reply from\"");
        Map<String, Double> after = metrics();
        assertThat(increase(before, after, finished("abort"))).isEqualTo(1.0);
        assertThat(increase(before, after, finished("length"))).isEqualTo(1.0);
        assertThat(increase(before, after, "vllm:request_queue_time_seconds_count" + MODEL)).isEqualTo(2.0);
        assertThat(gauge("vllm:num_requests_running")).isZero();
        assertThat(gauge("vllm:num_requests_waiting")).isZero();
    }

    @Test
    void aRequestBeyondTheWaitingLimitIsRefusedWith503AndRetryAfter() throws Exception {
        CompletableFuture<HttpResponse<String>> queued;
        try (Socket hungUp = streamHoldingTheSlot()) {
            queued = queue(SHORT_REPLY);

            HttpResponse<String> refused = send(SHORT_REPLY).get(5, TimeUnit.SECONDS);

            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.headers().firstValue("Content-Type")).contains("application/json");
            JsonNode error = new ObjectMapper().readTree(refused.body()).path("error");
            assertThat(error.path("message").asText()).isEqualTo("The replica's waiting queue is full (1 requests waiting); retry later.");
            assertThat(error.path("type").asText()).isEqualTo("server_error");
            assertThat(error.path("code").asInt()).isEqualTo(503);
            assertThat(gauge("vllm:num_requests_waiting")).isEqualTo(1.0);
        }
        assertThat(queued.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    /** Opens a long stream that takes the one slot; closing the socket hangs up. */
    private Socket streamHoldingTheSlot() throws Exception {
        Socket socket = new Socket(root.getHost(), root.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + LONG_STREAM.length() + "\r\n\r\n" + LONG_STREAM).getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        assertThat(in.readLine()).as("a stream answers 200 before its first token").isEqualTo("HTTP/1.1 200 OK");
        await().atMost(Duration.ofSeconds(2)).until(() -> gauge("vllm:num_requests_running") == 1.0);
        return socket;
    }

    /** Sends a request and waits until it queues. */
    private CompletableFuture<HttpResponse<String>> queue(String body) {
        CompletableFuture<HttpResponse<String>> response = send(body);
        await().atMost(Duration.ofSeconds(2)).until(() -> gauge("vllm:num_requests_waiting") == 1.0);
        return response;
    }

    private CompletableFuture<HttpResponse<String>> send(String body) {
        return HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(root + "v1/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String finished(String reason) {
        return "vllm:request_success_total{model_name=\"parley-simulator\",finished_reason=\"" + reason + "\"}";
    }

    private static double increase(Map<String, Double> before, Map<String, Double> after, String sample) {
        return after.get(sample) - before.get(sample);
    }

    private double gauge(String name) {
        return metrics().get(name + MODEL);
    }

    private Map<String, Double> metrics() {
        try {
            String text = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(root + "metrics")).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            return PrometheusText.samples(text);
        } catch (Exception e) {
            throw new IllegalStateException("cannot scrape the replica", e);
        }
    }
}
