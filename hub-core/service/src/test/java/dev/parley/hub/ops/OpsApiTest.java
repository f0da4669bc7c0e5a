package dev.parley.hub.ops;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.in;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code GET /ops/api/lag} in the running hub: behind the admin tokens, and fed by the monitor's own sampling. */
@QuarkusTest
class OpsApiTest {

    private static final String VIEWER = "test-viewer-token-2b8e41";

    @Test
    void withoutATokenTheLagIsRefused() {
        given().get("/ops/api/lag").then().statusCode(401);
        given().header("Authorization", "Bearer not-a-token").get("/ops/api/lag").then().statusCode(401);
    }

    @Test
    void aViewerReadsTheWatchedGroupsAndDeadLetterTopics() {
        // The monitor samples every 500 ms in tests; the first sample may still be under way.
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given()
                .header("Authorization", "Bearer " + VIEWER).get("/ops/api/lag")
                .then().statusCode(200)
                .body("at", notNullValue())
                .body("sampleIntervalSeconds", equalTo(0.5f))
                .body("groups.group", containsInAnyOrder("parley-bridge", "parley-hub-delivery"))
                .body("groups.find { it.group == 'parley-bridge' }.topic", equalTo("parley.requests"))
                .body("groups.find { it.group == 'parley-bridge' }.partitions", hasSize(8))
                .body("groups.find { it.group == 'parley-hub-delivery' }.partitions", hasSize(8))
                .body("groups.state", everyItem(in(List.of("OK", "WARN", "STALL", "STOP", "ERR"))))
                .body("deadLetters.topic", containsInAnyOrder("parley.requests.dlq", "parley.replies.dlq")));
    }

    @Test
    void theGaugesAreOnTheMetricsEndpoint() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString(
                        "parley_kafka_group_lag_messages{group=\"parley-bridge\",topic=\"parley.requests\"}"))
                .body(containsString("parley_kafka_consumer_state{group=\"parley-hub-delivery\",partition=\"0\","
                        + "state=\"OK\",topic=\"parley.replies\"}"))
                .body(containsString("parley_kafka_dlq_records{topic=\"parley.replies.dlq\"}")));
    }
}
