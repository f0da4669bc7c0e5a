package dev.parley.hub.ingress;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The generic webhook endpoint's refusals, before any adapter is involved. */
@QuarkusTest
class WebhookResourceTest {

    @Test
    void unknownPlatformsAndBotsAre404WithAReason() {
        given().body("{}").post("/webhooks/myspace/some-bot").then().statusCode(404)
                .body("error", containsString("unknown platform"));
        given().body("{}").post("/webhooks/discord/no-such-bot").then().statusCode(404)
                .body("error", containsString("no discord bot with id 'no-such-bot'"));
        given().body("{}").post("/webhooks/webchat/webchat").then().statusCode(404);
    }
}
