package dev.parley.simulator.openai;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.parley.simulator.PrometheusText;
import dev.parley.simulator.fault.RecordedHalts;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
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
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Faults switched on and off at run time through {@code /simulator/faults}, on the zero-latency test replica. */
@QuarkusTest
class FaultInjectionApiTest {

    private static final String HELLO = "{\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    private static final String HELLO_STREAM = "{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";
    private static final String MODEL = "{model_name=\"parley-simulator\"}";

    @TestHTTPResource("/")
    URL root;

    @Inject
    RecordedHalts halts;

    @AfterEach
    void resetFaults() {
        given().delete("/simulator/faults").then().statusCode(204);
        halts.clear();
    }

    private static void setFaults(String json) {
        given().contentType(ContentType.JSON).body(json).post("/simulator/faults").then().statusCode(200);
    }

    private static Response complete(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions");
    }

    @Test
    void startsWithTheConfiguredFaultsWhichAreNone() {
        given().get("/simulator/faults").then()
                .statusCode(200)
                .body("errorRate", equalTo(0.0f))
                .body("stallRate", equalTo(0.0f))
                .body("rateLimitRate", equalTo(0.0f))
                .body("crashAtRequest", equalTo(0))
                .body("stallFor", nullValue())
                .body("crashAfter", nullValue())
                .body("seed", equalTo(1));
    }

    @Test
    void anErrorRateOfOneAnswersEveryRequestWith500UntilReset() {
        given().contentType(ContentType.JSON).body("{\"errorRate\":1}").post("/simulator/faults").then()
                .statusCode(200)
                .body("errorRate", equalTo(1.0f));

        for (int i = 0; i < 3; i++) {
            complete(HELLO).then()
                    .statusCode(500)
                    .contentType(ContentType.JSON)
                    .body("error.message", equalTo("Internal server error (simulated fault)"))
                    .body("error.type", equalTo("InternalServerError"))
                    .body("error.param", nullValue())
                    .body("error.code", equalTo(500));
        }
        given().delete("/simulator/faults").then().statusCode(204);
        complete(HELLO).then().statusCode(200);
    }

    @Test
    void aStreamThatFailsSendsAnErrorEventInsideItsOk() {
        setFaults("{\"errorRate\":1,\"errorAfterTokens\":2}");

        Response response = complete(HELLO_STREAM);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("text/event-stream");
        List<String> events = Arrays.asList(response.asString().split("\n\n"));
        assertThat(events).hasSize(5);
        assertThat(events.get(0)).contains("\"role\":\"assistant\"");
        assertThat(events.get(1)).contains("\"content\":\"Simulated\"");
        assertThat(events.get(2)).contains("\"content\":\" reply\"");
        assertThat(events.get(3)).isEqualTo(
                "data: {\"error\":{\"message\":\"Internal server error (simulated fault)\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}");
        assertThat(events.get(4)).isEqualTo("data: [DONE]");
    }

    @Test
    void aRateLimitRateOfOneRefusesWith429AndRetryAfter() {
        setFaults("{\"rateLimitRate\":1}");

        complete(HELLO).then()
                .statusCode(429)
                .header("Retry-After", "1")
                .body("error.message", equalTo("Rate limit reached for requests (simulated fault). Please try again in 1s."))
                .body("error.type", equalTo("requests"))
                .body("error.param", nullValue())
                .body("error.code", equalTo("rate_limit_exceeded"));
    }

    @Test
    void aStallForADurationDelaysTheReplyButCompletesIt() {
        setFaults("{\"stallRate\":1,\"stallAfterTokens\":3,\"stallFor\":\"50ms\"}");

        complete(HELLO).then()
                .statusCode(200)
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.completion_tokens", equalTo(32));
    }

    @Test
    void aStreamStalledForeverHoldsItsSlotUntilTheClientHangsUp() throws Exception {
        setFaults("{\"stallRate\":1,\"stallAfterTokens\":2}");
        double abortsBefore = metric("vllm:request_success_total{model_name=\"parley-simulator\",finished_reason=\"abort\"}");

        try (Socket client = new Socket(root.getHost(), root.getPort())) {
            OutputStream out = client.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + HELLO_STREAM.length() + "\r\n\r\n" + HELLO_STREAM).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
            int contentChunks = 0;
            while (contentChunks < 2) {
                String line = in.readLine();
                assertThat(line).as("the stream goes on up to the stall").isNotNull().doesNotContain("[DONE]");
                if (line.startsWith("data: {") && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) {
                    contentChunks++;
                }
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("vllm:num_requests_running" + MODEL) == 1.0);
            assertThat(metric("vllm:kv_cache_usage_perc" + MODEL)).isPositive();
        }

        await().atMost(Duration.ofSeconds(5)).until(() -> metric("vllm:num_requests_running" + MODEL) == 0.0);
        assertThat(metric("vllm:request_success_total{model_name=\"parley-simulator\",finished_reason=\"abort\"}"))
                .isEqualTo(abortsBefore + 1);
    }

    @Test
    void theProcessHaltsAsTheNamedRequestArrives() {
        setFaults("{\"crashAtRequest\":2}");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(root + "v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(HELLO))
                .build();

        complete(HELLO).then().statusCode(200);
        assertThat(halts.reasons()).isEmpty();
        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .as("the dying process answers nothing")
                .isInstanceOf(IOException.class);

        assertThat(halts.reasons()).containsExactly("crash-at-request 2 reached");
    }

    @Test
    void theProcessHaltsWhenTheCrashTimeComes() {
        setFaults("{\"crashAfter\":\"20ms\"}");

        await().atMost(Duration.ofSeconds(10)).until(() -> !halts.reasons().isEmpty());
        assertThat(halts.reasons()).containsExactly("crash-after 0.02s elapsed");
    }

    @Test
    void refusesImpossibleFaultsAndKeepsThoseInForce() {
        given().contentType(ContentType.JSON).body("{\"errorRate\":2}").post("/simulator/faults").then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("'errorRate' must be a share between 0 and 1, was 2.0"));
        given().contentType(ContentType.JSON).body("{\"errorRate\":").post("/simulator/faults").then()
                .statusCode(400)
                .body("error.message", startsWith("The body is not valid JSON"));

        given().get("/simulator/faults").then().body("errorRate", equalTo(0.0f));
    }

    private double metric(String sample) {
        return PrometheusText.samples(given().get("/metrics").asString()).get(sample);
    }
}
