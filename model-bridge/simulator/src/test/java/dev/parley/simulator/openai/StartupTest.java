package dev.parley.simulator.openai;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the configuration sets up at start: a replica still loading its weights (for longer than any test runs,
 * so nothing here depends on timing) and faults configured from properties.
 */
@QuarkusTest
@TestProfile(StartupTest.ColdFaultyReplica.class)
class StartupTest {

    public static class ColdFaultyReplica implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "parley.simulator.load-time", "10m",
                    "parley.simulator.faults.error-rate", "0.25",
                    "parley.simulator.faults.error-after-tokens", "4",
                    "parley.simulator.faults.stall-rate", "0.5",
                    "parley.simulator.faults.stall-for", "30s",
                    "parley.simulator.faults.crash-at-request", "1000",
                    "parley.simulator.faults.crash-after", "1h",
                    "parley.simulator.faults.seed", "7");
        }
    }

    @Test
    void healthSays503WhileTheModelLoads() {
        given().get("/health").then()
                .statusCode(503)
                .contentType(ContentType.JSON)
                .body(equalTo("{\"message\":\"Loading model\"}"));
    }

    @Test
    void completionsAre503WithTheRemainingLoadTimeAsRetryAfter() {
        given().contentType(ContentType.JSON).body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then()
                .statusCode(503)
                .header("Retry-After", matchesPattern("[1-9][0-9]{0,2}"))
                .body(equalTo("{\"error\":{\"message\":\"Loading model\",\"type\":\"unavailable_error\",\"param\":null,\"code\":503}}"));
    }

    @Test
    void faultsComeFromTheConfiguration() {
        given().get("/simulator/faults").then()
                .statusCode(200)
                .body("errorRate", equalTo(0.25f))
                .body("errorAfterTokens", equalTo(4))
                .body("stallRate", equalTo(0.5f))
                .body("stallAfterTokens", equalTo(0))
                .body("stallFor", equalTo("PT30S"))
                .body("rateLimitRate", equalTo(0.0f))
                .body("crashAtRequest", equalTo(1000))
                .body("crashAfter", equalTo("PT1H"))
                .body("seed", equalTo(7));
        given().get("/metrics").then().statusCode(200);
        given().get("/v1/models").then().statusCode(200).body("data[0].id", equalTo("parley-simulator"));
        given().get("/simulator/requests").then().statusCode(200).body("[0]", nullValue());
    }
}
