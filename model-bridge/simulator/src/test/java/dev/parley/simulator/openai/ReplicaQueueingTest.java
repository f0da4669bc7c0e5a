package dev.parley.simulator.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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

/** A slow one-slot replica: requests queue behind each other and a client that hangs up frees its slot at once. */
@QuarkusTest
@TestProfile(ReplicaQueueingTest.OneSlowSlot.class)
class ReplicaQueueingTest {

    /** One slot and a 200-token reply at 20 tokens/s: a reply without max_tokens takes ten seconds. */
    public static class OneSlowSlot implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "parley.simulator.max-concurrent-sequences", "1",
                    "parley.simulator.time-to-first-token", "100ms",
                    "parley.simulator.tokens-per-second", "20",
                    "parley.simulator.reply-tokens", "200");
        }
    }

    private static final String MODEL = "{model_name=\"parley-simulator\"}";

    @TestHTTPResource("/")
    URL root;

    @Test
    void aWaitingRequestGetsTheSlotOfAClientThatHungUp() throws Exception {
        String longStream = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"tell me everything\"}]}";
        CompletableFuture<HttpResponse<String>> queued;
        try (Socket hungUp = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = hungUp.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + longStream.length() + "\r\n\r\n" + longStream).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(hungUp.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).as("a stream answers 200 before its first token").isEqualTo("HTTP/1.1 200 OK");
            await().atMost(Duration.ofSeconds(2)).until(() -> gauge("vllm:num_requests_running") == 1.0);

            queued = HttpClient.newHttpClient().sendAsync(
                    HttpRequest.newBuilder(URI.create(root + "v1/chat/completions"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "{\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"me next\"}]}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(2)).until(() -> gauge("vllm:num_requests_waiting") == 1.0);
            assertThat(gauge("vllm:num_requests_running")).isEqualTo(1.0);
            assertThat(queued).isNotDone();
        }

        // Far less than the ten seconds the hung-up stream would have held its slot.
        HttpResponse<String> next = queued.get(5, TimeUnit.SECONDS);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).contains("\"content\":\"Simulated reply from\"");
        assertThat(counter("abort")).isEqualTo(1.0);
        assertThat(counter("length")).isEqualTo(1.0);
        assertThat(gauge("vllm:num_requests_running")).isZero();
        assertThat(gauge("vllm:num_requests_waiting")).isZero();
        assertThat(metrics().get("vllm:request_queue_time_seconds_count" + MODEL)).isEqualTo(2.0);
    }

    private double gauge(String name) {
        return metrics().get(name + MODEL);
    }

    private double counter(String finishedReason) {
        return metrics().get("vllm:request_success_total{model_name=\"parley-simulator\",finished_reason=\"" + finishedReason + "\"}");
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
