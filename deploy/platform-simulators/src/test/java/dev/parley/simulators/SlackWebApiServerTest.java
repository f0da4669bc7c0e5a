package dev.parley.simulators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlackWebApiServerTest {

    private static final String TOKEN = "xoxb-1-simulated";
    private static final String APP_TOKEN = "xapp-1-A0SIMAPP01-1234567890123-0123456789abcdef";
    private static final String EVENT = """
            {"token":"unused","team_id":"T0001","api_app_id":"A0SIMAPP01","event":{"type":"app_mention","user":"U0HUMAN",\
            "text":"<@U0BOT> hi","ts":"1700000000.000100","channel":"C123","event_ts":"1700000000.000100"},\
            "type":"event_callback","event_id":"Ev0001","event_time":1700000000}""";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final SlackWebApiServer slack = SlackWebApiServer.start();
    /** Stepped by hand, so rate limit tests do not depend on how fast the requests happen to go. */
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-05-01T12:00:00Z"));

    {
        slack.registerBot(TOKEN, new SlackWebApiServer.BotUser("T0001", "Parley Test", "U0BOT", "parley", "B0BOT"));
        slack.registerApp(APP_TOKEN, TOKEN);
        slack.clock(now::get);
    }

    private void step(Duration duration) {
        now.updateAndGet(instant -> instant.plus(duration));
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

    @Test
    void chatUpdateReplacesTheTextOfAPostedMessage() throws Exception {
        String ts = call("chat.postMessage", TOKEN, "channel=C123&text=thinking&thread_ts=1700000000.000100")
                .body().path("ts").asText();

        Answer answer = call("chat.update", TOKEN, "channel=C123&ts=" + ts + "&text=the+answer");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("ok").asBoolean()).isTrue();
        assertThat(answer.body().path("channel").asText()).isEqualTo("C123");
        assertThat(answer.body().path("ts").asText()).isEqualTo(ts);
        assertThat(answer.body().path("text").asText()).isEqualTo("the answer");
        assertThat(answer.body().path("message").path("text").asText()).isEqualTo("the answer");
        assertThat(answer.body().path("message").path("bot_id").asText()).isEqualTo("B0BOT");
        assertThat(answer.body().path("message").path("thread_ts").asText()).isEqualTo("1700000000.000100");
        assertThat(answer.body().path("message").path("edited").path("user").asText()).isEqualTo("U0BOT");
        assertThat(slack.messageText("C123", ts)).contains("the answer");
        assertThat(slack.calls("chat.update").get(0).parameter("ts")).isEqualTo(ts);
    }

    @Test
    void chatUpdateOfAnUnknownMessageIsMessageNotFound() throws Exception {
        String ts = call("chat.postMessage", TOKEN, "channel=C123&text=hi").body().path("ts").asText();

        Answer unknownTs = call("chat.update", TOKEN, "channel=C123&ts=1600000000.000001&text=x");
        Answer otherChannel = call("chat.update", TOKEN, "channel=C999&ts=" + ts + "&text=x");

        assertThat(unknownTs.status()).isEqualTo(200);
        assertThat(unknownTs.response().body()).isEqualTo("{\"ok\":false,\"error\":\"message_not_found\"}");
        assertThat(otherChannel.body().path("error").asText()).isEqualTo("message_not_found");
        assertThat(slack.messageText("C123", ts)).contains("hi");
        assertThat(slack.messageText("C123", "1600000000.000001")).isEmpty();
    }

    @Test
    void chatUpdateObeysScriptedRefusals() throws Exception {
        String ts = call("chat.postMessage", TOKEN, "channel=C1&text=hi").body().path("ts").asText();
        slack.rateLimitNext("chat.update", 3);
        slack.failNext("chat.update", "edit_window_closed");

        Answer limited = call("chat.update", TOKEN, "channel=C1&ts=" + ts + "&text=new");
        Answer failed = call("chat.update", TOKEN, "channel=C1&ts=" + ts + "&text=new");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.response().headers().firstValue("Retry-After")).contains("3");
        assertThat(failed.body().path("error").asText()).isEqualTo("edit_window_closed");
        assertThat(slack.messageText("C1", ts)).contains("hi");
    }

    @Test
    void appsConnectionsOpenNeedsAnAppLevelToken() throws Exception {
        Answer opened = call("apps.connections.open", APP_TOKEN, "");
        Answer withBotToken = call("apps.connections.open", TOKEN, "");
        Answer unknown = call("apps.connections.open", "xapp-1-A0OTHER-1-ff", "");
        Answer appTokenForBotMethod = call("chat.postMessage", APP_TOKEN, "channel=C1&text=hi");

        assertThat(opened.body().path("ok").asBoolean()).isTrue();
        assertThat(opened.body().path("url").asText()).matches(
                "ws://127\\.0\\.0\\.1:" + slack.socketModePort() + "/link/\\?ticket=[0-9a-f-]{36}&app_id=A0SIMAPP01");
        assertThat(withBotToken.response().body()).isEqualTo("{\"ok\":false,\"error\":\"not_allowed_token_type\"}");
        assertThat(unknown.response().body()).isEqualTo("{\"ok\":false,\"error\":\"invalid_auth\"}");
        assertThat(appTokenForBotMethod.body().path("error").asText()).isEqualTo("not_allowed_token_type");
        assertThat(slack.app(APP_TOKEN)).contains(new SlackWebApiServer.App("A0SIMAPP01", TOKEN));
        assertThat(slack.registerApp("xapp-simulated", TOKEN)).matches("A\\d{10}");
    }

    @Test
    void aConnectionIsGreetedWithHelloAndATicketServesOnce() throws Exception {
        String url = openUrl();
        Client client = connect(url);

        JsonNode hello = client.next();
        assertThat(hello.path("type").asText()).isEqualTo("hello");
        assertThat(hello.path("num_connections").asInt()).isEqualTo(1);
        assertThat(hello.path("debug_info").path("host").asText()).startsWith("applink-");
        assertThat(hello.path("debug_info").path("approximate_connection_time").asInt()).isEqualTo(18060);
        assertThat(hello.path("connection_info").path("app_id").asText()).isEqualTo("A0SIMAPP01");
        assertThat(slack.connections(APP_TOKEN)).isEqualTo(1);

        assertThatThrownBy(() -> connect(url)).hasCauseInstanceOf(WebSocketHandshakeException.class);

        Client second = connect(openUrl());
        assertThat(second.next().path("num_connections").asInt()).isEqualTo(2);
        assertThat(slack.connections(APP_TOKEN)).isEqualTo(2);
    }

    @Test
    void anAcknowledgedEnvelopeIsNotSentAgain() throws Exception {
        slack.redeliverUnackedAfter(Duration.ofMillis(400));
        Client client = connect(openUrl());
        client.next();

        String envelopeId = slack.deliverEvent(APP_TOKEN, EVENT);
        JsonNode envelope = client.next();
        client.send("{\"envelope_id\":\"" + envelopeId + "\"}");

        assertThat(envelope.path("envelope_id").asText()).isEqualTo(envelopeId);
        assertThat(envelope.path("type").asText()).isEqualTo("events_api");
        assertThat(envelope.path("accepts_response_payload").asBoolean()).isFalse();
        assertThat(envelope.path("retry_attempt").asInt()).isZero();
        assertThat(envelope.path("retry_reason").asText()).isEmpty();
        assertThat(envelope.path("payload")).isEqualTo(json.readTree(EVENT));
        awaitTrue(() -> slack.acknowledged(envelopeId));
        assertThat(client.poll(Duration.ofMillis(900))).isNull();
        assertThat(slack.deliveries(envelopeId)).isEqualTo(1);
    }

    @Test
    void anUnacknowledgedEnvelopeIsRetriedThreeTimesWithTimeoutAsTheReason() throws Exception {
        slack.redeliverUnackedAfter(Duration.ofMillis(100));
        Client client = connect(openUrl());
        client.next();

        String envelopeId = slack.deliverEvent(APP_TOKEN, EVENT);

        assertThat(client.next().path("retry_attempt").asInt()).isZero();
        JsonNode retry = client.next();
        assertThat(retry.path("envelope_id").asText()).isEqualTo(envelopeId);
        assertThat(retry.path("retry_attempt").asInt()).isEqualTo(1);
        assertThat(retry.path("retry_reason").asText()).isEqualTo("timeout");
        assertThat(client.next().path("retry_attempt").asInt()).isEqualTo(2);
        assertThat(client.next().path("retry_attempt").asInt()).isEqualTo(3);
        assertThat(client.poll(Duration.ofMillis(400))).isNull();
        assertThat(slack.deliveries(envelopeId)).isEqualTo(4);
        assertThat(slack.acknowledged(envelopeId)).isFalse();
    }

    @Test
    void anEventDeliveredWithoutAConnectionFollowsTheNextHello() throws Exception {
        String envelopeId = slack.deliverEvent(APP_TOKEN, EVENT);
        assertThat(slack.deliveries(envelopeId)).isZero();

        Client client = connect(openUrl());

        assertThat(client.next().path("type").asText()).isEqualTo("hello");
        assertThat(client.next().path("envelope_id").asText()).isEqualTo(envelopeId);
        assertThat(slack.deliveries(envelopeId)).isEqualTo(1);
    }

    @Test
    void disconnectIsAnnouncedAndThenTheSocketCloses() throws Exception {
        slack.closeDisconnectedAfter(Duration.ofMillis(300));
        Client client = connect(openUrl());
        String host = client.next().path("debug_info").path("host").asText();

        assertThat(slack.disconnect(APP_TOKEN, "refresh_requested")).isEqualTo(1);

        JsonNode disconnect = client.next();
        assertThat(disconnect.path("type").asText()).isEqualTo("disconnect");
        assertThat(disconnect.path("reason").asText()).isEqualTo("refresh_requested");
        assertThat(disconnect.path("debug_info").path("host").asText()).isEqualTo(host);
        assertThat(client.closed.isDone()).isFalse();
        assertThat(client.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        awaitTrue(() -> slack.connections(APP_TOKEN) == 0);
    }

    @Test
    void whileAConnectionIsBeingRecycledEventsGoToTheNewOne() throws Exception {
        slack.closeDisconnectedAfter(Duration.ofSeconds(5));
        Client old = connect(openUrl());
        old.next();
        slack.disconnect(APP_TOKEN, "refresh_requested");
        old.next();
        Client replacement = connect(openUrl());
        replacement.next();

        String envelopeId = slack.deliverEvent(APP_TOKEN, EVENT);

        assertThat(replacement.next().path("envelope_id").asText()).isEqualTo(envelopeId);
        assertThat(old.poll(Duration.ofMillis(200))).isNull();
        assertThat(slack.connections(APP_TOKEN)).isEqualTo(2);
    }

    @Test
    void closeStopsTheSocketModeServer() throws Exception {
        Client client = connect(openUrl());
        client.next();

        slack.close();

        client.closed.get(5, TimeUnit.SECONDS);
        assertThatThrownBy(() -> connect("ws://127.0.0.1:" + slack.socketModePort() + "/link/?ticket=x"))
                .isInstanceOf(ExecutionException.class);
    }

    @Test
    void withRateLimitsAChannelTakesABurstOfThreePostsThenOneASecond() throws Exception {
        slack.enforceRateLimits(true);

        for (int i = 0; i < 3; i++) {
            assertThat(call("chat.postMessage", TOKEN, "channel=C1&text=hi").status()).isEqualTo(200);
        }
        Answer refused = call("chat.postMessage", TOKEN, "channel=C1&text=hi");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.response().body()).isEqualTo("{\"ok\":false,\"error\":\"ratelimited\"}");
        assertThat(refused.response().headers().firstValue("Retry-After")).contains("1");
        assertThat(call("chat.postMessage", TOKEN, "channel=C2&text=hi").status())
                .as("another channel has its own allowance").isEqualTo(200);
        assertThat(call("chat.postMessage", TOKEN, "channel=C1").body().path("error").asText())
                .as("the method's own checks come first").isEqualTo("no_text");

        step(Duration.ofMillis(999));
        assertThat(call("chat.postMessage", TOKEN, "channel=C1&text=hi").status()).isEqualTo(429);
        step(Duration.ofMillis(1));
        assertThat(call("chat.postMessage", TOKEN, "channel=C1&text=hi").status())
                .as("the refused posts took nothing").isEqualTo(200);
        assertThat(call("chat.postMessage", TOKEN, "channel=C1&text=hi").status()).isEqualTo(429);
        assertThat(slack.rateLimited()).isEqualTo(3);
    }

    @Test
    void withRateLimitsChatUpdateTakesFiftyAMinutePerBotToken() throws Exception {
        slack.registerBot("xoxb-2-other", new SlackWebApiServer.BotUser("T0002", "Other", "U0OTHER", "other", "B0OTHER"));
        slack.enforceRateLimits(true);
        String ts = call("chat.postMessage", TOKEN, "channel=C1&text=hi").body().path("ts").asText();
        String otherTs = call("chat.postMessage", "xoxb-2-other", "channel=C1&text=hi").body().path("ts").asText();

        for (int i = 0; i < 50; i++) {
            assertThat(call("chat.update", TOKEN, "channel=C1&ts=" + ts + "&text=v" + i).status())
                    .as("update %d", i + 1).isEqualTo(200);
        }
        Answer refused = call("chat.update", TOKEN, "channel=C1&ts=" + ts + "&text=late");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.response().body()).isEqualTo("{\"ok\":false,\"error\":\"ratelimited\"}");
        assertThat(refused.response().headers().firstValue("Retry-After")).as("1.2 s, rounded up").contains("2");
        assertThat(slack.messageText("C1", ts)).as("a refused update changes nothing").contains("v49");
        assertThat(call("chat.update", "xoxb-2-other", "channel=C1&ts=" + otherTs + "&text=x").status())
                .as("another app has its own allowance").isEqualTo(200);
        assertThat(call("chat.postMessage", TOKEN, "channel=C1&text=hi").status())
                .as("posts are limited apart from updates").isEqualTo(200);

        step(Duration.ofMillis(1199));
        assertThat(call("chat.update", TOKEN, "channel=C1&ts=" + ts + "&text=late").status()).isEqualTo(429);
        step(Duration.ofMillis(1));
        assertThat(call("chat.update", TOKEN, "channel=C1&ts=" + ts + "&text=late").status()).isEqualTo(200);
        assertThat(slack.rateLimited()).isEqualTo(2);
    }

    @Test
    void withoutRateLimitsPostsAndUpdatesAreUnlimitedAsBefore() throws Exception {
        String ts = call("chat.postMessage", TOKEN, "channel=C1&text=hi").body().path("ts").asText();
        for (int i = 0; i < 60; i++) {
            assertThat(call("chat.postMessage", TOKEN, "channel=C1&text=hi").status()).isEqualTo(200);
            assertThat(call("chat.update", TOKEN, "channel=C1&ts=" + ts + "&text=v" + i).status()).isEqualTo(200);
        }
        assertThat(slack.rateLimited()).isZero();
    }

    @Test
    void listenersCountRefusalsPerMethodAndNeedNoStoredCalls() throws Exception {
        Map<String, AtomicInteger> tooManyRequests = new ConcurrentHashMap<>();
        slack.onCall(call -> {
            if (call.status() == 429) {
                tooManyRequests.computeIfAbsent(call.method(), method -> new AtomicInteger()).incrementAndGet();
            }
        });
        slack.keepCalls(false);
        slack.enforceRateLimits(true);
        slack.rateLimitNext("auth.test", 5);

        call("auth.test", TOKEN, "");
        for (int i = 0; i < 5; i++) {
            call("chat.postMessage", TOKEN, "channel=C1&text=hi");
        }

        assertThat(tooManyRequests).containsOnlyKeys("auth.test", "chat.postMessage");
        assertThat(tooManyRequests.get("chat.postMessage")).hasValue(2);
        assertThat(tooManyRequests.get("auth.test")).hasValue(1);
        assertThat(slack.calls()).isEmpty();
        assertThat(slack.rateLimited()).as("scripted refusals not counted").isEqualTo(2);
    }

    @Test
    void onlyTheNewestMessagesAreKeptForUpdatesSoALongRunDoesNotFillTheHeap() throws Exception {
        slack.keptMessages(2);
        String first = call("chat.postMessage", TOKEN, "channel=C1&text=one").body().path("ts").asText();
        String second = call("chat.postMessage", TOKEN, "channel=C2&text=two").body().path("ts").asText();
        String third = call("chat.postMessage", TOKEN, "channel=C1&text=three").body().path("ts").asText();

        assertThat(slack.messageText("C1", first)).isEmpty();
        assertThat(call("chat.update", TOKEN, "channel=C1&ts=" + first + "&text=x").body().path("error").asText())
                .isEqualTo("message_not_found");
        assertThat(slack.messageText("C2", second)).contains("two");
        assertThat(call("chat.update", TOKEN, "channel=C1&ts=" + third + "&text=x").body().path("ok").asBoolean())
                .isTrue();
    }

    private String openUrl() throws IOException, InterruptedException {
        return call("apps.connections.open", APP_TOKEN, "").body().path("url").asText();
    }

    private Client connect(String url) throws Exception {
        Client client = new Client();
        client.socket = http.newWebSocketBuilder().buildAsync(URI.create(url), client).get(5, TimeUnit.SECONDS);
        return client;
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** A Socket Mode client on the JDK's WebSocket: collects whole text messages and the close code. */
    private final class Client implements WebSocket.Listener {
        final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        JsonNode next() throws Exception {
            String message = messages.poll(5, TimeUnit.SECONDS);
            assertThat(message).as("a message within 5 s").isNotNull();
            return json.readTree(message);
        }

        String poll(Duration wait) throws InterruptedException {
            return messages.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        }

        void send(String text) {
            socket.sendText(text, true).join();
        }
    }
}
