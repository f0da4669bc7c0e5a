package dev.parley.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlackWebApiServerTest {

    private static final String TOKEN = "xoxb-1-simulated";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final SlackWebApiServer slack = SlackWebApiServer.start();

    {
        slack.registerBot(TOKEN, new SlackWebApiServer.BotUser("T0001", "Parley Test", "U0BOT", "parley", "B0BOT"));
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private Answer call(String method, String bearer, String form) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(slack.baseUrl() + "/api/" + method))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()), response);
    }

    private record Answer(int status, JsonNode body, HttpResponse<String> response) {
    }

    @Test
    void authTestDescribesTheBotUserOfARegisteredToken() throws Exception {
        Answer answer = call("auth.test", TOKEN, "");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("ok").asBoolean()).isTrue();
        assertThat(answer.body().path("url").asText()).isEqualTo("https://parley-test.slack.com/");
        assertThat(answer.body().path("team").asText()).isEqualTo("Parley Test");
        assertThat(answer.body().path("team_id").asText()).isEqualTo("T0001");
        assertThat(answer.body().path("user_id").asText()).isEqualTo("U0BOT");
        assertThat(answer.body().path("bot_id").asText()).isEqualTo("B0BOT");
    }

    @Test
    void theTokenMayComeAsAFormParameter() throws Exception {
        assertThat(call("auth.test", null, "token=" + TOKEN).body().path("ok").asBoolean()).isTrue();
    }

    @Test
    void anUnknownTokenIsInvalidAuthAndNoTokenIsNotAuthedBothWithHttp200() throws Exception {
        Answer unknown = call("auth.test", "xoxb-unknown", "");
        Answer none = call("auth.test", null, "");

        assertThat(unknown.status()).isEqualTo(200);
        assertThat(unknown.response().body()).isEqualTo("{\"ok\":false,\"error\":\"invalid_auth\"}");
        assertThat(none.status()).isEqualTo(200);
        assertThat(none.response().body()).isEqualTo("{\"ok\":false,\"error\":\"not_authed\"}");
    }

    @Test
    void aScriptedErrorAnswersTheNextCallOnly() throws Exception {
        slack.failNext("auth.test", "invalid_auth");

        assertThat(call("auth.test", TOKEN, "").body().path("error").asText()).isEqualTo("invalid_auth");
        assertThat(call("auth.test", TOKEN, "").body().path("ok").asBoolean()).isTrue();
    }

    @Test
    void aScriptedRateLimitIsHttp429WithRetryAfter() throws Exception {
        slack.rateLimitNext("chat.postMessage", 30);

        Answer answer = call("chat.postMessage", TOKEN, "channel=C1&text=hi");

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.body().path("error").asText()).isEqualTo("ratelimited");
        assertThat(answer.response().headers().firstValue("Retry-After")).contains("30");
    }

    @Test
    void postMessageIsRecordedAndAnswersIncreasingTimestamps() throws Exception {
        Answer first = call("chat.postMessage", TOKEN, "channel=C123&text=hello+*world*&thread_ts=1700000000.000100&mrkdwn=true");
        Answer second = call("chat.postMessage", TOKEN, "channel=C123&text=again");

        assertThat(first.body().path("ok").asBoolean()).isTrue();
        assertThat(first.body().path("channel").asText()).isEqualTo("C123");
        assertThat(first.body().path("message").path("thread_ts").asText()).isEqualTo("1700000000.000100");
        assertThat(first.body().path("message").path("bot_id").asText()).isEqualTo("B0BOT");
        assertThat(first.body().path("ts").asText()).matches("\\d+\\.\\d{6}");
        assertThat(new BigDecimal(second.body().path("ts").asText()))
                .isGreaterThan(new BigDecimal(first.body().path("ts").asText()));

        RecordedCall call = slack.calls("chat.postMessage").get(0);
        assertThat(call.token()).isEqualTo(TOKEN);
        assertThat(call.parameter("channel")).isEqualTo("C123");
        assertThat(call.parameter("text")).isEqualTo("hello *world*");
        assertThat(call.parameter("thread_ts")).isEqualTo("1700000000.000100");
        assertThat(call.parameter("mrkdwn")).isEqualTo("true");
    }

    @Test
    void postMessageWithJsonBodyAndItsErrors() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(slack.baseUrl() + "/api/chat.postMessage"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString("{\"channel\":\"C9\",\"text\":\"json\"}")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(json.readTree(response.body()).path("ok").asBoolean()).isTrue();
        assertThat(call("chat.postMessage", TOKEN, "text=hi").body().path("error").asText()).isEqualTo("channel_not_found");
        assertThat(call("chat.postMessage", TOKEN, "channel=C1").body().path("error").asText()).isEqualTo("no_text");
    }

    @Test
    void unknownMethodsAreNamedInTheAnswer() throws Exception {
        Answer answer = call("chat.postMessag", TOKEN, "");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body().path("error").asText()).isEqualTo("unknown_method");
        assertThat(answer.body().path("req_method").asText()).isEqualTo("chat.postMessag");
    }
}
