package dev.parley.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelegramBotApiServerTest {

    private static final String TOKEN = "123456:AAE-simulated_token";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final TelegramBotApiServer telegram = TelegramBotApiServer.start();

    {
        telegram.registerBot(TOKEN, "parley_test_bot");
    }

    @AfterEach
    void stop() {
        telegram.close();
    }

    private Answer postJson(String token, String method, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot" + token + "/" + method))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private Answer postForm(String method, String form) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot" + TOKEN + "/" + method))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    private Answer get(String pathAndQuery) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + pathAndQuery)).GET().build());
    }

    private Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()), response);
    }

    private record Answer(int status, JsonNode body, HttpResponse<String> response) {
    }

    @Test
    void anUnknownTokenIsUnauthorizedExactlyAsTelegramAnswers() throws Exception {
        Answer answer = postJson("999:unknown", "getMe", "{}");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.response().body()).isEqualTo("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
    }

    @Test
    void getMeAnswersTheBotWhoseIdIsTheTokensPrefix() throws Exception {
        Answer answer = get("/bot" + TOKEN + "/getMe");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("result").path("id").asLong()).isEqualTo(123456L);
        assertThat(answer.body().path("result").path("username").asText()).isEqualTo("parley_test_bot");
        assertThat(answer.body().path("result").path("is_bot").asBoolean()).isTrue();
    }

    @Test
    void methodNamesAreMatchedWithoutCaseAndUnknownOnesAreNotFound() throws Exception {
        assertThat(postJson(TOKEN, "getwebhookinfo", "{}").status()).isEqualTo(200);
        assertThat(postJson(TOKEN, "GETWEBHOOKINFO", "{}").status()).isEqualTo(200);

        Answer unknown = postJson(TOKEN, "getFlyingCar", "{}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().path("description").asText()).isEqualTo("Not Found: method not found");
    }

    @Test
    void setWebhookStoresWhatWasAskedAndGetWebhookInfoReportsIt() throws Exception {
        Answer set = postJson(TOKEN, "setWebhook", """
                {"url":"https://parley.example.com/webhooks/telegram/support","secret_token":"s3cret_-X",
                 "allowed_updates":["message","callback_query"],"max_connections":40,"drop_pending_updates":true}""");

        assertThat(set.status()).isEqualTo(200);
        assertThat(set.response().body()).isEqualTo("{\"ok\":true,\"result\":true,\"description\":\"Webhook was set\"}");
        assertThat(telegram.webhook(TOKEN)).contains(new TelegramBotApiServer.Webhook(
                "https://parley.example.com/webhooks/telegram/support", "s3cret_-X", List.of("message", "callback_query"),
                40, true));

        JsonNode info = postJson(TOKEN, "getWebhookInfo", "{}").body().path("result");
        assertThat(info.path("url").asText()).isEqualTo("https://parley.example.com/webhooks/telegram/support");
        assertThat(info.path("has_custom_certificate").asBoolean()).isFalse();
        assertThat(info.path("pending_update_count").asInt()).isZero();
        assertThat(info.path("max_connections").asInt()).isEqualTo(40);
        assertThat(info.path("allowed_updates").toString()).isEqualTo("[\"message\",\"callback_query\"]");
        assertThat(info.has("last_error_date")).isFalse();
    }

    @Test
    void formParametersReadTheSameAsJsonOnes() throws Exception {
        String form = "url=" + URLEncoder.encode("https://parley.example.com/hook", StandardCharsets.UTF_8)
                + "&allowed_updates=" + URLEncoder.encode("[\"message\"]", StandardCharsets.UTF_8)
                + "&max_connections=500";

        assertThat(postForm("setWebhook", form).status()).isEqualTo(200);
        TelegramBotApiServer.Webhook webhook = telegram.webhook(TOKEN).orElseThrow();
        assertThat(webhook.allowedUpdates()).containsExactly("message");
        assertThat(webhook.maxConnections()).as("clamped to 1-100 as Telegram does").isEqualTo(100);
        assertThat(webhook.secretToken()).isNull();
    }

    @Test
    void theSameWebhookTwiceIsAlreadySet() throws Exception {
        postForm("setWebhook", "url=https://parley.example.com/hook&secret_token=abc");

        assertThat(postForm("setWebhook", "url=https://parley.example.com/hook&secret_token=abc").body()
                .path("description").asText()).isEqualTo("Webhook is already set");
    }

    @Test
    void aPlainHttpUrlIsRefusedWithTelegramsDescriptionAndLeavesNoWebhook() throws Exception {
        postForm("setWebhook", "url=https://parley.example.com/old");

        Answer answer = postForm("setWebhook", "url=http://parley.example.com/hook");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.response().body()).isEqualTo("{\"ok\":false,\"error_code\":400,\"description\":"
                + "\"Bad Request: bad webhook: An HTTPS URL must be provided for webhook\"}");
        assertThat(telegram.webhook(TOKEN)).isEmpty();
    }

    @Test
    void badSecretTokensAndPortsAreRefusedWithTelegramsDescriptions() throws Exception {
        assertThat(postForm("setWebhook", "url=https://p.example.com/h&secret_token=has%20space").body()
                .path("description").asText()).isEqualTo("Bad Request: secret token contains unallowed characters");
        assertThat(postForm("setWebhook", "url=https://p.example.com/h&secret_token=" + "a".repeat(257)).body()
                .path("description").asText()).isEqualTo("Bad Request: secret token is too long");
        assertThat(postForm("setWebhook", "url=https://p.example.com:9443/h").body().path("description").asText())
                .isEqualTo("Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443");
    }

    @Test
    void getWebhookInfoWithoutWebhookHasAnEmptyUrlAndShowsAScriptedError() throws Exception {
        telegram.setLastWebhookError(TOKEN, Instant.ofEpochSecond(1_763_884_800L), "Wrong response from the webhook: 502 Bad Gateway");
        telegram.setPendingUpdateCount(TOKEN, 7);

        JsonNode info = postJson(TOKEN, "getWebhookInfo", "{}").body().path("result");

        assertThat(info.path("url").asText()).isEmpty();
        assertThat(info.path("pending_update_count").asInt()).isEqualTo(7);
        assertThat(info.path("last_error_date").asLong()).isEqualTo(1_763_884_800L);
        assertThat(info.path("last_error_message").asText()).isEqualTo("Wrong response from the webhook: 502 Bad Gateway");
        assertThat(info.has("max_connections")).isFalse();
    }

    @Test
    void deleteWebhookSaysWhetherThereWasOne() throws Exception {
        postForm("setWebhook", "url=https://parley.example.com/hook");

        assertThat(postJson(TOKEN, "deleteWebhook", "{}").response().body())
                .isEqualTo("{\"ok\":true,\"result\":true,\"description\":\"Webhook was deleted\"}");
        assertThat(postJson(TOKEN, "deleteWebhook", "{}").body().path("description").asText())
                .isEqualTo("Webhook is already deleted");
        assertThat(telegram.webhook(TOKEN)).isEmpty();
    }

    @Test
    void aScriptedRefusalAnswersTheNextCallOnly() throws Exception {
        telegram.failNext("setWebhook", 400, "Bad Request: bad webhook: Failed to resolve host: Name or service not known");

        Answer refused = postForm("setwebhook", "url=https://parley.example.com/hook");
        Answer accepted = postForm("setwebhook", "url=https://parley.example.com/hook");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().path("description").asText())
                .isEqualTo("Bad Request: bad webhook: Failed to resolve host: Name or service not known");
        assertThat(accepted.status()).isEqualTo(200);
    }

    @Test
    void aScriptedRateLimitCarriesRetryAfterInBodyAndHeader() throws Exception {
        telegram.rateLimitNext("sendMessage", 17);

        Answer answer = postJson(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"hi\"}");

        assertThat(answer.status()).isEqualTo(429);
        assertThat(answer.body().path("parameters").path("retry_after").asInt()).isEqualTo(17);
        assertThat(answer.response().headers().firstValue("Retry-After")).contains("17");
    }

    @Test
    void sendMessageIsRecordedAndAnswersMessagesWithIncreasingIds() throws Exception {
        Answer first = postJson(TOKEN, "sendMessage", """
                {"chat_id":-1001234567890,"text":"<b>hello</b>","parse_mode":"HTML","message_thread_id":5,
                 "reply_parameters":{"message_id":77}}""");
        Answer second = postJson(TOKEN, "sendMessage", "{\"chat_id\":-1001234567890,\"text\":\"again\"}");

        JsonNode message = first.body().path("result");
        assertThat(message.path("chat").path("type").asText()).isEqualTo("supergroup");
        assertThat(message.path("message_thread_id").asInt()).isEqualTo(5);
        assertThat(second.body().path("result").path("message_id").asInt())
                .isGreaterThan(message.path("message_id").asInt());

        RecordedCall call = telegram.calls("sendMessage").get(0);
        assertThat(call.token()).isEqualTo(TOKEN);
        assertThat(call.parameter("chat_id")).isEqualTo("-1001234567890");
        assertThat(call.parameter("text")).isEqualTo("<b>hello</b>");
        assertThat(call.parameter("parse_mode")).isEqualTo("HTML");
        assertThat(call.parameter("message_thread_id")).isEqualTo("5");
        assertThat(call.parameter("reply_parameters")).isEqualTo("{\"message_id\":77}");
        assertThat(call.receivedAt()).isNotNull();
    }

    @Test
    void sendMessageRefusesWhatTelegramRefuses() throws Exception {
        assertThat(postJson(TOKEN, "sendMessage", "{\"text\":\"x\"}").body().path("description").asText())
                .isEqualTo("Bad Request: chat_id is empty");
        assertThat(postJson(TOKEN, "sendMessage", "{\"chat_id\":1,\"text\":\"  \"}").body().path("description").asText())
                .isEqualTo("Bad Request: message text is empty");
        assertThat(postJson(TOKEN, "sendMessage", "{\"chat_id\":1,\"text\":\"" + "x".repeat(4097) + "\"}").body()
                .path("description").asText()).isEqualTo("Bad Request: message is too long");
        assertThat(postJson(TOKEN, "sendMessage", "{\"chat_id\":1,\"parse_mode\":\"HTML\",\"text\":\"<b>"
                + "x".repeat(4096) + "</b>\"}").status()).as("tags do not count").isEqualTo(200);
    }

    @Test
    void multipartBodiesAsTheTelegrambotsClientSendsThemAreRead() throws Exception {
        String boundary = "b0undary";
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"url\"\r\n\r\n"
                + "https://parley.example.com/hook\r\n--" + boundary
                + "\r\nContent-Disposition: form-data; name=\"allowed_updates\"\r\n\r\n[\"message\",\"edited_message\"]\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"secret_token\"\r\n\r\nabc_DEF\r\n--" + boundary + "--\r\n";

        Answer answer = send(HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot" + TOKEN + "/setwebhook"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(telegram.webhook(TOKEN).orElseThrow().allowedUpdates()).containsExactly("message", "edited_message");
        assertThat(telegram.calls("setWebhook").get(0).parameter("secret_token")).isEqualTo("abc_DEF");
    }

    @Test
    void everyCallIsRecordedEvenWithAnUnknownToken() throws Exception {
        postJson("999:unknown", "getMe", "{}");
        get("/bot" + TOKEN + "/getMe?x=1");

        assertThat(telegram.calls()).extracting(RecordedCall::method, RecordedCall::token)
                .containsExactly(tuple("getMe", "999:unknown"),
                        tuple("getMe", TOKEN));
        assertThat(telegram.calls().get(1).parameter("x")).isEqualTo("1");

        telegram.clearCalls();
        assertThat(telegram.calls()).isEmpty();
    }

    @Test
    void pathsOutsideTheBotApiAreNotFound() throws Exception {
        Answer answer = get("/favicon.ico");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body().path("description").asText()).isEqualTo("Not Found");
    }
}
