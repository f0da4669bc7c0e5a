package dev.parley.simulator.openai;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.simulator.PrometheusText;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The simulator over HTTP, configured for zero latency (see the %test keys in application.properties). */
@QuarkusTest
class SimulatorApiTest {

    private static final String MESSAGES = """
            [{"role":"system","content":"You are Parley."},
             {"role":"user","content":"hello"},
             {"role":"assistant","content":"Simulated reply, turn 1."},
             {"role":"user","content":"hello again"}]""";
    private static final String EXPECTED_START = "Simulated reply from the Parley model simulator (not a real model), turn 2. "
            + "You said: \"hello again\". I received 3 earlier messages.";
    private static final String MODEL = "{model_name=\"parley-simulator\"}";

    private final ObjectMapper json = new ObjectMapper();

    private static Response complete(String body) {
        return given().contentType(ContentType.JSON).body(body).post("/v1/chat/completions");
    }

    private static void continueConversation(String session, String messages) {
        given().contentType(ContentType.JSON).header("x-session-id", session)
                .body("{\"messages\":" + messages + "}")
                .post("/v1/chat/completions").then().statusCode(200);
    }

    @Test
    void listsItsOneModel() {
        given().get("/v1/models").then()
                .statusCode(200)
                .body("object", equalTo("list"))
                .body("data", hasSize(1))
                .body("data[0].id", equalTo("parley-simulator"))
                .body("data[0].object", equalTo("model"));
    }

    @Test
    void isHealthy() {
        given().get("/health").then().statusCode(200).body(equalTo("{}"));
    }

    @Test
    void answersACompletionSayingItIsASimulator() {
        complete("{\"model\":\"any\",\"messages\":" + MESSAGES + "}").then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("id", startsWith("chatcmpl-"))
                .body("object", equalTo("chat.completion"))
                .body("model", equalTo("parley-simulator"))
                .body("choices", hasSize(1))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", startsWith(EXPECTED_START))
                .body("choices[0].finish_reason", equalTo("stop"))
                .body("usage.prompt_tokens", equalTo(3 + 1 + 4 + 2))
                .body("usage.completion_tokens", equalTo(32))
                .body("usage.total_tokens", equalTo(42));
    }

    @Test
    void honoursMaxTokens() {
        complete("{\"max_tokens\":4,\"messages\":" + MESSAGES + "}").then()
                .statusCode(200)
                .body("choices[0].message.content", equalTo("Simulated reply from the"))
                .body("choices[0].finish_reason", equalTo("length"))
                .body("usage.completion_tokens", equalTo(4));
    }

    @Test
    void streamsTheSameReplyAsServerSentEvents() throws Exception {
        String expected = complete("{\"messages\":" + MESSAGES + "}").then().statusCode(200)
                .extract().path("choices[0].message.content");

        Response response = complete("{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":" + MESSAGES + "}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).isEqualTo("text/event-stream");
        String body = response.asString();
        assertThat(body).endsWith("data: [DONE]\n\n");
        List<JsonNode> chunks = new ArrayList<>();
        String[] events = body.split("\n\n", -1);
        assertThat(events[events.length - 1]).as("nothing after the last event").isEmpty();
        for (int i = 0; i < events.length - 2; i++) {
            assertThat(events[i]).startsWith("data: {").doesNotContain("\n");
            chunks.add(json.readTree(events[i].substring("data: ".length())));
        }
        assertThat(chunks).allSatisfy(chunk -> {
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("id").asText()).isEqualTo(chunks.getFirst().path("id").asText());
        });
        assertThat(chunks.getFirst().at("/choices/0/delta/role").asText()).isEqualTo("assistant");

        StringBuilder content = new StringBuilder();
        List<JsonNode> withChoices = chunks.subList(0, chunks.size() - 1);
        for (JsonNode chunk : withChoices) {
            content.append(chunk.at("/choices/0/delta/content").asText(""));
        }
        assertThat(content.toString()).isEqualTo(expected);
        assertThat(withChoices.subList(0, withChoices.size() - 1))
                .allSatisfy(chunk -> assertThat(chunk.at("/choices/0/finish_reason").isNull()).isTrue());
        assertThat(withChoices.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("stop");

        JsonNode usage = chunks.getLast();
        assertThat(usage.path("choices").isArray() && usage.path("choices").isEmpty()).isTrue();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(32);
        assertThat(usage.at("/usage/total_tokens").asInt()).isEqualTo(42);
    }

    @Test
    void leavesOutTheUsageChunkUnlessAskedFor() {
        String body = complete("{\"stream\":true,\"messages\":" + MESSAGES + "}").asString();

        assertThat(body).endsWith("data: [DONE]\n\n").doesNotContain("\"usage\"");
    }

    @Test
    void refusesAMalformedBody() {
        complete("{\"messages\": [").then()
                .statusCode(400)
                .contentType(ContentType.JSON)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", startsWith("The request body is not valid JSON"));
    }

    @Test
    void refusesARequestWithoutMessages() {
        complete("{\"model\":\"parley-simulator\"}").then()
                .statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("'messages' must be a non-empty array."));
    }

    @Test
    void exposesVllmMetricsThatMoveWithRequests() {
        Map<String, Double> before = scrape();
        assertThat(before).containsKeys(
                "vllm:num_requests_running" + MODEL,
                "vllm:num_requests_waiting" + MODEL,
                "vllm:kv_cache_usage_perc" + MODEL,
                "vllm:time_to_first_token_seconds_bucket{model_name=\"parley-simulator\",le=\"+Inf\"}",
                "vllm:time_to_first_token_seconds_sum" + MODEL,
                "vllm:time_to_first_token_seconds_count" + MODEL);

        complete("{\"messages\":" + MESSAGES + "}").then().statusCode(200);

        Map<String, Double> after = scrape();
        String success = "vllm:request_success_total{model_name=\"parley-simulator\",finished_reason=\"stop\"}";
        assertThat(after.get(success) - before.get(success)).isEqualTo(1.0);
        assertThat(after.get("vllm:prompt_tokens_total" + MODEL) - before.get("vllm:prompt_tokens_total" + MODEL)).isEqualTo(10.0);
        assertThat(after.get("vllm:generation_tokens_total" + MODEL) - before.get("vllm:generation_tokens_total" + MODEL)).isEqualTo(32.0);
        String ttftCount = "vllm:time_to_first_token_seconds_count" + MODEL;
        assertThat(after.get(ttftCount) - before.get(ttftCount)).isEqualTo(1.0);
        assertThat(after).containsEntry("vllm:num_requests_running" + MODEL, 0.0)
                .containsEntry("vllm:num_requests_waiting" + MODEL, 0.0)
                .containsEntry("vllm:kv_cache_usage_perc" + MODEL, 0.0);
    }

    @Test
    void countsPrefixCacheQueriesAndHitsInTokens() {
        String session = "conversation-" + UUID.randomUUID();
        String nextTurn = MESSAGES.substring(0, MESSAGES.length() - 1)
                + ",{\"role\":\"user\",\"content\":\"" + "more ".repeat(40).strip() + "\"}]";
        Map<String, Double> before = scrape();

        continueConversation(session, MESSAGES);
        continueConversation(session, nextTurn);

        Map<String, Double> after = scrape();
        String queries = "vllm:prefix_cache_queries_total" + MODEL;
        String hits = "vllm:prefix_cache_hits_total" + MODEL;
        // 10 prompt tokens, then 50 of which the first prompt and its 32-token reply were cached.
        assertThat(after.get(queries) - before.get(queries)).isEqualTo(10.0 + 50);
        assertThat(after.get(hits) - before.get(hits)).isEqualTo(10.0 + 32);
    }

    @Test
    void recordsTheMessagesItReceived() throws Exception {
        given().delete("/simulator/requests").then().statusCode(204);
        given().get("/simulator/requests").then().statusCode(200).body("", hasSize(0));

        given().contentType(ContentType.JSON).header("x-session-id", "conversation-7")
                .body("{\"model\":\"parley-simulator\",\"messages\":" + MESSAGES + "}")
                .post("/v1/chat/completions").then().statusCode(200);
        complete("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"second\"}]}").then().statusCode(200);

        JsonNode recorded = json.readTree(given().get("/simulator/requests").then().statusCode(200).extract().asString());
        assertThat(recorded).hasSize(2);
        JsonNode first = recorded.get(0);
        assertThat(first.path("messages")).isEqualTo(json.readTree(MESSAGES));
        assertThat(first.path("sessionId").asText()).isEqualTo("conversation-7");
        assertThat(first.path("model").asText()).isEqualTo("parley-simulator");
        assertThat(first.path("stream").asBoolean()).isFalse();
        assertThat(first.path("receivedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonNode second = recorded.get(1);
        assertThat(second.path("stream").asBoolean()).isTrue();
        assertThat(second.path("sessionId").isNull()).isTrue();
        assertThat(second.at("/messages/0/content").asText()).isEqualTo("second");
    }

    private static Map<String, Double> scrape() {
        Response response = given().get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.contentType()).startsWith("text/plain").contains("version=0.0.4");
        return PrometheusText.samples(response.asString());
    }
}
