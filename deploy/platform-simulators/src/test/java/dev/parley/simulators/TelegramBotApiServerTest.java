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
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelegramBotApiServerTest {

    private static final String TOKEN = "123456:AAE-simulated_token";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final TelegramBotApiServer telegram = TelegramBotApiServer.start();
    /** Stepped by hand, so send limit tests do not depend on how fast the requests happen to go. */
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-05-01T12:00:00Z"));

    {
        telegram.registerBot(TOKEN, "parley_test_bot");
        telegram.clock(now::get);
    }

    private void step(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
    }

    private Answer sendText(String token, long chatId) throws IOException, InterruptedException {
        return postJson(token, "sendMessage", "{\"chat_id\":" + chatId + ",\"text\":\"hi\"}");
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

    /** A getUpdates sent without waiting for its answer, as a long-polling client has one outstanding. */
    private CompletableFuture<Answer> pollAsync(String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(telegram.baseUrl() + "/bot" + TOKEN + "/getUpdates"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            try {
                return new Answer(response.statusCode(), json.readTree(response.body()), response);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until the simulator holds a getUpdates of the test bot, so what the test does next happens during it. */
    private void awaitPolling() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!telegram.isPolling(TOKEN)) {
            assertThat(System.nanoTime()).as("getUpdates started waiting within 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    private static List<Long> updateIds(Answer answer) {
        return answer.body().path("result").valueStream().map(update -> update.path("update_id").asLong()).toList();
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

    @Test
    void getUpdatesHandsOutEnqueuedUpdatesUntilAnOffsetAboveThemConfirmsThem() throws Exception {
        long first = telegram.enqueueUpdate(TOKEN, "{\"message\":{\"message_id\":1,\"text\":\"one\"}}");
        long second = telegram.enqueueUpdate(TOKEN, "{\"message\":{\"message_id\":2,\"text\":\"two\"}}");
        assertThat(second).isEqualTo(first + 1);

        Answer all = postJson(TOKEN, "getUpdates", "{}");
        assertThat(all.status()).isEqualTo(200);
        assertThat(updateIds(all)).containsExactly(first, second);
        assertThat(all.body().path("result").get(0).path("message").path("text").asText()).isEqualTo("one");
        assertThat(telegram.pendingUpdates(TOKEN)).as("handing out is not confirming").isEqualTo(2);

        Answer again = postJson(TOKEN, "getUpdates", "{\"offset\":" + first + "}");
        assertThat(updateIds(again)).as("an offset equal to an id confirms nothing").containsExactly(first, second);
        assertThat(telegram.deliveries(TOKEN, first)).isEqualTo(2);

        Answer rest = postJson(TOKEN, "getUpdates", "{\"offset\":" + (first + 1) + "}");
        assertThat(updateIds(rest)).containsExactly(second);
        assertThat(telegram.pendingUpdates(TOKEN)).isEqualTo(1);

        assertThat(postJson(TOKEN, "getUpdates", "{\"offset\":" + (second + 1) + "}").response().body())
                .isEqualTo("{\"ok\":true,\"result\":[]}");
        assertThat(telegram.pendingUpdates(TOKEN)).isZero();
        assertThat(telegram.deliveries(TOKEN, first)).as("counts survive confirmation").isEqualTo(2);
        assertThat(telegram.deliveries(TOKEN, second)).isEqualTo(3);
    }

    @Test
    void getUpdatesKeepsAGivenUpdateIdHonoursLimitAndANegativeOffset() throws Exception {
        assertThat(telegram.enqueueUpdate(TOKEN, "{\"update_id\":500,\"message\":{\"text\":\"a\"}}")).isEqualTo(500);
        assertThat(telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"b\"}}")).isEqualTo(501);
        telegram.enqueueUpdate(TOKEN, "{\"update_id\":900,\"message\":{\"text\":\"c\"}}");

        assertThat(updateIds(postForm("getUpdates", "limit=2"))).containsExactly(500L, 501L);
        assertThat(updateIds(postForm("getUpdates", "limit=0"))).as("Telegram clamps limit to 1-100")
                .containsExactly(500L);
        assertThat(updateIds(postForm("getUpdates", "offset=-1"))).as("only the last one is kept")
                .containsExactly(900L);
        assertThat(telegram.pendingUpdates(TOKEN)).isEqualTo(1);
        assertThat(postForm("getUpdates", "").response().body())
                .startsWith("{\"ok\":true,\"result\":[{\"update_id\":900,");
    }

    @Test
    void anOffsetFarPastTheLastUpdateConfirmsNothingAsTelegramsQueueTreatsItAsInTheFuture() throws Exception {
        long id = telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"a\"}}");

        assertThat(updateIds(postJson(TOKEN, "getUpdates", "{\"offset\":" + (id + 1000) + "}"))).containsExactly(id);
        assertThat(telegram.pendingUpdates(TOKEN)).isEqualTo(1);
    }

    @Test
    void pendingUpdateCountCountsEnqueuedUpdatesAndDropPendingUpdatesDropsThem() throws Exception {
        telegram.setPendingUpdateCount(TOKEN, 3);
        telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"a\"}}");
        telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"b\"}}");

        assertThat(postJson(TOKEN, "getWebhookInfo", "{}").body().path("result").path("pending_update_count").asInt())
                .isEqualTo(5);

        postJson(TOKEN, "deleteWebhook", "{\"drop_pending_updates\":true}");
        assertThat(telegram.pendingUpdates(TOKEN)).isZero();
        assertThat(postJson(TOKEN, "getWebhookInfo", "{}").body().path("result").path("pending_update_count").asInt())
                .isZero();
    }

    @Test
    void aLongPollAnswersAsSoonAsAnUpdateArrivesWhileOtherCallsAreServed() throws Exception {
        long started = System.nanoTime();
        CompletableFuture<Answer> poll = pollAsync("{\"timeout\":30}");
        awaitPolling();

        assertThat(postJson(TOKEN, "getMe", "{}").status()).as("a waiting poll holds up no other call").isEqualTo(200);
        long id = telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"wake up\"}}");

        Answer answer = poll.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        assertThat(answer.status()).isEqualTo(200);
        assertThat(updateIds(answer)).containsExactly(id);
        assertThat(telegram.isPolling(TOKEN)).isFalse();
    }

    @Test
    void aLongPollWithNothingToAnswerReturnsAnEmptyListAfterItsTimeout() throws Exception {
        long started = System.nanoTime();

        Answer answer = postJson(TOKEN, "getUpdates", "{\"timeout\":1}");

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(answer.response().body()).isEqualTo("{\"ok\":true,\"result\":[]}");
    }

    @Test
    void getUpdatesWhileAWebhookIsSetIsAConflict() throws Exception {
        postForm("setWebhook", "url=https://parley.example.com/hook");
        long id = telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"a\"}}");

        Answer answer = postJson(TOKEN, "getUpdates", "{}");

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.response().body()).isEqualTo("{\"ok\":false,\"error_code\":409,\"description\":"
                + "\"Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
                + "webhook first\"}");
        assertThat(telegram.deliveries(TOKEN, id)).isZero();
    }

    @Test
    void aSecondWaitingPollEndsTheFirstWithAConflict() throws Exception {
        CompletableFuture<Answer> older = pollAsync("{\"timeout\":30}");
        awaitPolling();
        CompletableFuture<Answer> newer = pollAsync("{\"timeout\":30}");

        Answer ended = older.get(10, TimeUnit.SECONDS);
        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.response().body()).isEqualTo("{\"ok\":false,\"error_code\":409,\"description\":"
                + "\"Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
                + "running\"}");

        awaitPolling();
        long id = telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"a\"}}");
        assertThat(updateIds(newer.get(10, TimeUnit.SECONDS))).containsExactly(id);
        assertThat(telegram.deliveries(TOKEN, id)).isEqualTo(1);
    }

    @Test
    void setWebhookEndsAWaitingPoll() throws Exception {
        CompletableFuture<Answer> poll = pollAsync("{\"timeout\":30}");
        awaitPolling();

        postForm("setWebhook", "url=https://parley.example.com/hook");

        Answer ended = poll.get(10, TimeUnit.SECONDS);
        assertThat(ended.status()).isEqualTo(409);
        assertThat(ended.body().path("description").asText()).isEqualTo("Conflict: terminated by setWebhook request");
    }

    @Test
    void closingTheServerEndsAWaitingPollAtOnce() throws Exception {
        CompletableFuture<Answer> poll = pollAsync("{\"timeout\":50}");
        awaitPolling();
        long started = System.nanoTime();

        telegram.close();

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
        poll.handle((answer, failure) -> null).get(10, TimeUnit.SECONDS);
    }

    @Test
    void getUpdatesStoresAllowedUpdatesAsGetWebhookInfoReportsThem() throws Exception {
        postJson(TOKEN, "getUpdates", "{\"allowed_updates\":[\"message\",\"edited_message\"]}");

        assertThat(postJson(TOKEN, "getWebhookInfo", "{}").body().path("result").path("allowed_updates").toString())
                .isEqualTo("[\"message\",\"edited_message\"]");
    }

    @Test
    void scriptedRefusalsAnswerTheNewMethodsToo() throws Exception {
        long id = telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"a\"}}");
        telegram.rateLimitNext("getUpdates", 3);
        telegram.failNext("editMessageText", 400, "Bad Request: can't parse entities: Unsupported start tag \"x\"");
        telegram.failNext("sendChatAction", 403, "Forbidden: bot was blocked by the user");

        Answer limited = postJson(TOKEN, "getUpdates", "{}");
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.response().headers().firstValue("Retry-After")).contains("3");
        assertThat(postJson(TOKEN, "editMessageText", "{\"chat_id\":1,\"message_id\":1,\"text\":\"x\"}").body()
                .path("description").asText()).startsWith("Bad Request: can't parse entities");
        assertThat(postJson(TOKEN, "sendChatAction", "{\"chat_id\":1,\"action\":\"typing\"}").status())
                .isEqualTo(403);
        assertThat(telegram.deliveries(TOKEN, id)).isZero();
        assertThat(updateIds(postJson(TOKEN, "getUpdates", "{}"))).as("only the next call was refused")
                .containsExactly(id);
    }

    @Test
    void editMessageTextChangesASentMessageAndAnswersItWithAnEditDate() throws Exception {
        JsonNode sent = postJson(TOKEN, "sendMessage", """
                {"chat_id":42,"text":"<b>draft</b>","parse_mode":"HTML","message_thread_id":7}""")
                .body().path("result");
        int messageId = sent.path("message_id").asInt();

        Answer edited = postForm("editMessageText", "chat_id=42&message_id=" + messageId
                + "&parse_mode=HTML&text=" + URLEncoder.encode("<b>final</b>", StandardCharsets.UTF_8));

        assertThat(edited.status()).isEqualTo(200);
        JsonNode message = edited.body().path("result");
        assertThat(message.path("message_id").asInt()).isEqualTo(messageId);
        assertThat(message.path("text").asText()).isEqualTo("<b>final</b>");
        assertThat(message.path("chat").path("id").asLong()).isEqualTo(42L);
        assertThat(message.path("date").asLong()).isEqualTo(sent.path("date").asLong());
        assertThat(message.path("edit_date").asLong()).isGreaterThanOrEqualTo(sent.path("date").asLong());
        assertThat(message.path("message_thread_id").asInt()).isEqualTo(7);
        assertThat(telegram.messageText(TOKEN, 42, messageId)).contains("<b>final</b>");
        assertThat(telegram.messageText(TOKEN, "42", messageId + 1)).isEmpty();
        assertThat(telegram.calls("editMessageText").get(0).parameter("text")).isEqualTo("<b>final</b>");
    }

    @Test
    void editMessageTextRefusesAnUnknownMessageAndAnUnchangedOne() throws Exception {
        int messageId = postJson(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"same\"}").body()
                .path("result").path("message_id").asInt();

        Answer missing = postJson(TOKEN, "editMessageText", "{\"chat_id\":42,\"message_id\":999,\"text\":\"x\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.response().body()).isEqualTo(
                "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message to edit not found\"}");
        assertThat(postJson(TOKEN, "editMessageText", "{\"chat_id\":43,\"message_id\":" + messageId
                + ",\"text\":\"x\"}").body().path("description").asText())
                .as("message ids are per chat").isEqualTo("Bad Request: message to edit not found");

        Answer unchanged = postJson(TOKEN, "editMessageText",
                "{\"chat_id\":42,\"message_id\":" + messageId + ",\"text\":\"same\"}");
        assertThat(unchanged.status()).isEqualTo(400);
        assertThat(unchanged.body().path("description").asText()).isEqualTo("Bad Request: message is not modified: "
                + "specified new message content and reply markup are exactly the same as a current content and "
                + "reply markup of the message");

        String keyboard = ",\"reply_markup\":{\"inline_keyboard\":[[{\"text\":\"ok\",\"callback_data\":\"1\"}]]}";
        assertThat(postJson(TOKEN, "editMessageText", "{\"chat_id\":42,\"message_id\":" + messageId
                + ",\"text\":\"same\"" + keyboard + "}").status()).as("a new keyboard is a change").isEqualTo(200);
        assertThat(postJson(TOKEN, "editMessageText", "{\"chat_id\":42,\"message_id\":" + messageId
                + ",\"text\":\"same\"" + keyboard + "}").status()).isEqualTo(400);
        assertThat(telegram.messageText(TOKEN, 42, messageId)).contains("same");
    }

    @Test
    void editMessageTextChecksLikeSendMessage() throws Exception {
        int messageId = postJson(TOKEN, "sendMessage", "{\"chat_id\":42,\"text\":\"a\"}").body()
                .path("result").path("message_id").asInt();
        String target = "\"chat_id\":42,\"message_id\":" + messageId;

        assertThat(postJson(TOKEN, "editMessageText", "{" + target + ",\"text\":\" \"}").body().path("description")
                .asText()).isEqualTo("Bad Request: message text is empty");
        assertThat(postJson(TOKEN, "editMessageText", "{" + target + ",\"text\":\"" + "x".repeat(4097) + "\"}").body()
                .path("description").asText()).isEqualTo("Bad Request: message is too long");
        assertThat(postJson(TOKEN, "editMessageText", "{\"text\":\"b\"}").body().path("description").asText())
                .isEqualTo("Bad Request: message identifier is not specified");
        assertThat(postJson(TOKEN, "editMessageText", "{\"message_id\":1,\"text\":\"b\"}").body()
                .path("description").asText()).isEqualTo("Bad Request: chat_id is empty");
    }

    @Test
    void sendChatActionAnswersTrueAndIsRecorded() throws Exception {
        Answer answer = postJson(TOKEN, "sendChatAction",
                "{\"chat_id\":-1001234567890,\"action\":\"typing\",\"message_thread_id\":5}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.response().body()).isEqualTo("{\"ok\":true,\"result\":true}");
        RecordedCall call = telegram.calls("sendChatAction").get(0);
        assertThat(call.parameter("action")).isEqualTo("typing");
        assertThat(call.parameter("chat_id")).isEqualTo("-1001234567890");
        assertThat(call.parameter("message_thread_id")).isEqualTo("5");
        assertThat(postForm("sendchataction", "chat_id=42&action=UPLOAD_PHOTO").status())
                .as("actions compare without case").isEqualTo(200);
    }

    @Test
    void sendChatActionRefusesAnUnknownActionBeforeLookingAtTheChat() throws Exception {
        Answer unknown = postJson(TOKEN, "sendChatAction", "{\"chat_id\":42,\"action\":\"dancing\"}");

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.response().body()).isEqualTo("{\"ok\":false,\"error_code\":400,\"description\":"
                + "\"Bad Request: wrong parameter action in request\"}");
        assertThat(postJson(TOKEN, "sendChatAction", "{\"action\":\"dancing\"}").body().path("description").asText())
                .isEqualTo("Bad Request: wrong parameter action in request");
        assertThat(postJson(TOKEN, "sendChatAction", "{\"action\":\"typing\"}").body().path("description").asText())
                .isEqualTo("Bad Request: chat_id is empty");
    }

    @Test
    void withSendLimitsAChatTakesABurstOfThreeThenOneASecond() throws Exception {
        telegram.enforceSendLimits(true);

        for (int i = 0; i < 3; i++) {
            assertThat(sendText(TOKEN, 42).status()).as("send %d of the burst", i + 1).isEqualTo(200);
        }
        Answer refused = sendText(TOKEN, 42);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.response().body()).isEqualTo("{\"ok\":false,\"error_code\":429,\"description\":"
                + "\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}");
        assertThat(refused.response().headers().firstValue("Retry-After")).contains("1");
        assertThat(sendText(TOKEN, 43).status()).as("another chat has its own allowance").isEqualTo(200);

        step(Duration.ofMillis(999));
        assertThat(sendText(TOKEN, 42).status()).as("not a whole second yet").isEqualTo(429);
        step(Duration.ofMillis(1));
        assertThat(sendText(TOKEN, 42).status()).as("the refused sends took nothing").isEqualTo(200);
        assertThat(sendText(TOKEN, 42).status()).isEqualTo(429);
        assertThat(telegram.rateLimited()).isEqualTo(3);
        assertThat(telegram.calls("sendMessage")).extracting(RecordedCall::status)
                .containsExactly(200, 200, 200, 429, 200, 429, 200, 429);
    }

    @Test
    void editsCountAgainstTheChatLikeSendsAndEachBotHasItsOwnAllowance() throws Exception {
        String otherBot = "654321:AAE-other_bot";
        telegram.registerBot(otherBot, "other_bot");
        telegram.enforceSendLimits(true);
        long messageId = sendText(TOKEN, 42).body().path("result").path("message_id").asLong();
        postJson(TOKEN, "editMessageText", "{\"chat_id\":42,\"message_id\":" + messageId + ",\"text\":\"b\"}");

        Answer thirdEdit = postJson(TOKEN, "editMessageText",
                "{\"chat_id\":42,\"message_id\":" + messageId + ",\"text\":\"c\"}");
        Answer fourth = postJson(TOKEN, "editMessageText",
                "{\"chat_id\":42,\"message_id\":" + messageId + ",\"text\":\"d\"}");

        assertThat(thirdEdit.status()).isEqualTo(200);
        assertThat(fourth.status()).isEqualTo(429);
        assertThat(fourth.body().path("parameters").path("retry_after").asInt()).isEqualTo(1);
        assertThat(telegram.messageText(TOKEN, 42, messageId)).as("a refused edit changes nothing").contains("c");
        assertThat(sendText(otherBot, 42).status()).isEqualTo(200);
    }

    @Test
    void aGroupTakesTwentyAMinuteSoAtOneASecondTheThirtiethIsRefused() throws Exception {
        telegram.enforceSendLimits(true);

        // One a second never meets the chat limit; the group's 20, refilled at one every 3 s, last 29 sends.
        for (int i = 0; i < 29; i++) {
            assertThat(sendText(TOKEN, -1001234567890L).status()).as("group send %d", i + 1).isEqualTo(200);
            assertThat(sendText(TOKEN, 1000 + i).status()).as("private send %d", i + 1).isEqualTo(200);
            step(Duration.ofSeconds(1));
        }
        Answer refused = sendText(TOKEN, -1001234567890L);

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body().path("parameters").path("retry_after").asInt()).isEqualTo(1);
        assertThat(sendText(TOKEN, -42).status()).as("another group has its own 20").isEqualTo(200);
        step(Duration.ofSeconds(1));
        assertThat(sendText(TOKEN, -1001234567890L).status()).isEqualTo(200);
        assertThat(sendText(TOKEN, -1001234567890L).status()).as("the chat still has burst, the group not")
                .isEqualTo(429);
    }

    @Test
    void aGroupOutOfAllowanceWaitsThreeSecondsForItsNextMessage() throws Exception {
        telegram.enforceSendLimits(true);

        // Bursts of three every 3 s suit the chat (one a second) but drain the group (one every 3 s) by 2 each time.
        int passed = 0;
        Answer answer;
        // Bounded, so a missing group limit fails the test instead of looping on.
        while ((answer = sendText(TOKEN, -42)).status() == 200 && passed < 100) {
            passed++;
            if (passed % 3 == 0) {
                step(Duration.ofSeconds(3));
            }
        }

        assertThat(passed).as("20, and 9 refilled in the 27 s it took").isEqualTo(29);
        assertThat(answer.body().path("parameters").path("retry_after").asInt()).isEqualTo(3);
        assertThat(answer.response().headers().firstValue("Retry-After")).contains("3");
        step(Duration.ofMillis(2999));
        assertThat(sendText(TOKEN, -42).status()).isEqualTo(429);
        step(Duration.ofMillis(1));
        assertThat(sendText(TOKEN, -42).status()).isEqualTo(200);
    }

    @Test
    void aBotBroadcastsThirtyASecondAcrossChatsAndARefusedSendTakesNothing() throws Exception {
        telegram.enforceSendLimits(true);
        for (int i = 0; i < 3; i++) {
            sendText(TOKEN, 1);
        }
        for (int i = 0; i < 5; i++) {
            assertThat(sendText(TOKEN, 1).status()).as("refused by the chat limit").isEqualTo(429);
        }

        // The five refusals took nothing from the bot's 30: 27 more chats still fit in the same instant.
        for (int chat = 2; chat <= 28; chat++) {
            assertThat(sendText(TOKEN, chat).status()).as("chat %d", chat).isEqualTo(200);
        }
        Answer thirtyFirst = sendText(TOKEN, 29);

        assertThat(thirtyFirst.status()).isEqualTo(429);
        assertThat(thirtyFirst.body().path("parameters").path("retry_after").asInt()).isEqualTo(1);
        assertThat(thirtyFirst.response().headers().firstValue("Retry-After")).contains("1");
        step(Duration.ofNanos(33_333_334));
        assertThat(sendText(TOKEN, 29).status()).as("a thirtieth of a second refills one").isEqualTo(200);
        assertThat(sendText(TOKEN, 30).status()).isEqualTo(429);
        assertThat(telegram.rateLimited()).isEqualTo(7);
    }

    @Test
    void sendChatActionAndOtherMethodsAreNeverLimited() throws Exception {
        telegram.enforceSendLimits(true);

        for (int i = 0; i < 40; i++) {
            assertThat(postJson(TOKEN, "sendChatAction", "{\"chat_id\":-42,\"action\":\"typing\"}").status())
                    .isEqualTo(200);
            assertThat(postJson(TOKEN, "getMe", "{}").status()).isEqualTo(200);
        }

        for (int i = 0; i < 3; i++) {
            assertThat(sendText(TOKEN, -42).status()).as("chat actions took nothing").isEqualTo(200);
        }
        assertThat(telegram.rateLimited()).isZero();
    }

    @Test
    void withoutSendLimitsSendsAreUnlimitedAsBefore() throws Exception {
        for (int i = 0; i < 40; i++) {
            assertThat(sendText(TOKEN, -42).status()).isEqualTo(200);
        }

        telegram.enforceSendLimits(true);
        assertThat(sendText(TOKEN, -42).status()).as("turning limits on starts them full").isEqualTo(200);
        telegram.enforceSendLimits(false);
        for (int i = 0; i < 40; i++) {
            assertThat(sendText(TOKEN, -42).status()).isEqualTo(200);
        }
        assertThat(telegram.rateLimited()).isZero();
    }

    @Test
    void listenersSeeEveryCallWithTheStatusItWasAnswered() throws Exception {
        List<RecordedCall> seen = new CopyOnWriteArrayList<>();
        List<String> alsoSeen = new CopyOnWriteArrayList<>();
        telegram.onCall(seen::add);
        telegram.onCall(call -> alsoSeen.add(call.method()));
        telegram.enforceSendLimits(true);

        postJson("999:unknown", "getMe", "{}");
        postJson(TOKEN, "getFlyingCar", "{}");
        for (int i = 0; i < 4; i++) {
            sendText(TOKEN, 42);
        }

        assertThat(seen).extracting(RecordedCall::method, RecordedCall::status).containsExactly(
                tuple("getMe", 401), tuple("getFlyingCar", 404), tuple("sendMessage", 200), tuple("sendMessage", 200),
                tuple("sendMessage", 200), tuple("sendMessage", 429));
        assertThat(seen.get(2).parameter("chat_id")).isEqualTo("42");
        assertThat(alsoSeen).hasSize(6);
        assertThat(telegram.calls()).isEqualTo(seen);
    }

    @Test
    void withoutKeepingCallsNothingIsStoredButListenersStillSeeThem() throws Exception {
        List<RecordedCall> seen = new CopyOnWriteArrayList<>();
        telegram.onCall(seen::add);
        telegram.keepCalls(false);

        sendText(TOKEN, 42);
        postJson(TOKEN, "getMe", "{}");

        assertThat(telegram.calls()).isEmpty();
        assertThat(telegram.calls("sendMessage")).isEmpty();
        assertThat(seen).extracting(RecordedCall::method, RecordedCall::status)
                .containsExactly(tuple("sendMessage", 200), tuple("getMe", 200));

        telegram.keepCalls(true);
        postJson(TOKEN, "getMe", "{}");
        assertThat(telegram.calls()).hasSize(1);
    }

    @Test
    void aWaitingPollIsListedWithStatusZeroAndReachesListenersWhenAnswered() throws Exception {
        List<RecordedCall> seen = new CopyOnWriteArrayList<>();
        telegram.onCall(seen::add);
        CompletableFuture<Answer> poll = pollAsync("{\"timeout\":30}");
        awaitPolling();

        assertThat(telegram.calls("getUpdates")).singleElement().extracting(RecordedCall::status).isEqualTo(0);
        assertThat(seen).isEmpty();

        telegram.enqueueUpdate(TOKEN, "{\"message\":{\"text\":\"wake up\"}}");
        assertThat(poll.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        assertThat(telegram.calls("getUpdates")).singleElement().extracting(RecordedCall::status).isEqualTo(200);
        assertThat(seen).extracting(RecordedCall::status).containsExactly(200);
    }

    @Test
    void onlyTheNewestMessagesAreKeptForEditingSoALongRunDoesNotFillTheHeap() throws Exception {
        telegram.keptMessages(2);
        long first = sendText(TOKEN, 42).body().path("result").path("message_id").asLong();
        long second = sendText(TOKEN, 43).body().path("result").path("message_id").asLong();
        long third = sendText(TOKEN, 42).body().path("result").path("message_id").asLong();

        assertThat(telegram.messageText(TOKEN, 42, first)).isEmpty();
        assertThat(postJson(TOKEN, "editMessageText", "{\"chat_id\":42,\"message_id\":" + first + ",\"text\":\"b\"}")
                .body().path("description").asText()).isEqualTo("Bad Request: message to edit not found");
        assertThat(telegram.messageText(TOKEN, 43, second)).contains("hi");
        assertThat(third).as("ids keep counting").isEqualTo(first + 1);
        assertThat(postJson(TOKEN, "editMessageText", "{\"chat_id\":42,\"message_id\":" + third + ",\"text\":\"b\"}")
                .status()).isEqualTo(200);
    }
}
