package dev.parley.simulators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WhatsAppGraphApiServerTest {

    private static final String NUMBER = "106540352242922";
    private static final String TOKEN = "EAAsimulated";
    private static final String WABA = "102290129340398";
    private static final String WABA_TOKEN = "EAAsystemuser";
    private static final String APP_ID = "670843887433847";
    private static final String USER = "16505551234";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final WhatsAppGraphApiServer whatsapp = WhatsAppGraphApiServer.start();
    /** Stepped by hand, so rate limit tests do not depend on how fast the requests happen to go. */
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-05-01T12:00:00Z"));

    {
        whatsapp.registerNumber(NUMBER, TOKEN);
        whatsapp.registerBusinessAccount(WABA, WABA_TOKEN, APP_ID);
        whatsapp.clock(now::get);
    }

    @AfterEach
    void stop() {
        whatsapp.close();
    }

    private Answer call(String method, String path, String bearer, String body) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(whatsapp.baseUrl() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), json.readTree(response.body()));
    }

    private Answer send(String to, String text) throws IOException, InterruptedException {
        return call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN, json.writeValueAsString(json.createObjectNode()
                .put("messaging_product", "whatsapp")
                .put("recipient_type", "individual")
                .put("to", to)
                .put("type", "text")
                .set("text", json.createObjectNode().put("body", text).put("preview_url", false))));
    }

    private record Answer(int status, JsonNode body) {
        JsonNode error() {
            return body.path("error");
        }
    }

    @Test
    void aTextSendIsRecordedAndAnsweredWithItsWamid() throws Exception {
        Answer answer = call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN, """
                {"messaging_product":"whatsapp","recipient_type":"individual","to":"+1 650-555-1234","type":"text",\
                "text":{"body":"Hello *there*","preview_url":false},"context":{"message_id":"wamid.USERMESSAGE"}}""");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(answer.body().path("contacts").path(0).path("input").asText()).isEqualTo("+1 650-555-1234");
        assertThat(answer.body().path("contacts").path(0).path("wa_id").asText()).isEqualTo(USER);
        String wamid = answer.body().path("messages").path(0).path("id").asText();
        assertThat(wamid).startsWith("wamid.");

        WhatsAppGraphApiServer.SentMessage sent = whatsapp.sentMessages(NUMBER).get(0);
        assertThat(sent.phoneNumberId()).isEqualTo(NUMBER);
        assertThat(sent.to()).isEqualTo("+1 650-555-1234");
        assertThat(sent.type()).isEqualTo("text");
        assertThat(sent.text()).isEqualTo("Hello *there*");
        assertThat(sent.contextMessageId()).isEqualTo("wamid.USERMESSAGE");
        assertThat(sent.wamid()).isEqualTo(wamid);
        assertThat(sent.sentAt()).isEqualTo(now.get());

        RecordedCall call = whatsapp.calls("messages").get(0);
        assertThat(call.token()).isEqualTo(TOKEN);
        assertThat(call.parameter("to")).isEqualTo("+1 650-555-1234");
        assertThat(call.parameter("text")).isEqualTo("{\"body\":\"Hello *there*\",\"preview_url\":false}");
    }

    @Test
    void eachSendGetsItsOwnWamidAndTheContextIsOptional() throws Exception {
        String first = send(USER, "one").body().path("messages").path(0).path("id").asText();
        String second = send(USER, "two").body().path("messages").path(0).path("id").asText();

        assertThat(first).isNotEqualTo(second);
        assertThat(whatsapp.sentMessages()).extracting(WhatsAppGraphApiServer.SentMessage::contextMessageId)
                .containsExactly(null, null);
        assertThat(whatsapp.sentMessages("another-number")).isEmpty();
    }

    @Test
    void aReadReceiptWithTypingIsRecordedApartFromMessages() throws Exception {
        Answer typing = call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN, """
                {"messaging_product":"whatsapp","status":"read","message_id":"wamid.IN1",\
                "typing_indicator":{"type":"text"}}""");
        Answer plain = call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.IN2\"}");

        assertThat(typing.status()).isEqualTo(200);
        assertThat(typing.body().toString()).isEqualTo("{\"success\":true}");
        assertThat(plain.body().toString()).isEqualTo("{\"success\":true}");
        assertThat(whatsapp.readReceipts()).containsExactly(
                new WhatsAppGraphApiServer.ReadReceipt(NUMBER, "wamid.IN1", true, now.get()),
                new WhatsAppGraphApiServer.ReadReceipt(NUMBER, "wamid.IN2", false, now.get()));
        assertThat(whatsapp.sentMessages()).isEmpty();
    }

    @Test
    void aWrongTokenIs190With401AndNoTokenIs104() throws Exception {
        Answer wrong = call("POST", "/v23.0/" + NUMBER + "/messages", "EAAwrong", "{}");
        Answer none = call("POST", "/v23.0/" + NUMBER + "/messages", null, "{}");

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.error().path("type").asText()).isEqualTo("OAuthException");
        assertThat(wrong.error().path("code").asInt()).isEqualTo(190);
        assertThat(wrong.error().path("message").asText()).isEqualTo("Invalid OAuth access token - Cannot parse access token");
        assertThat(wrong.error().path("fbtrace_id").asText()).hasSize(23);
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.error().path("code").asInt()).isEqualTo(104);
        assertThat(whatsapp.sentMessages()).isEmpty();
        assertThat(whatsapp.refusals(190)).isEqualTo(1);
    }

    @Test
    void anExpiredTokenIs190Subcode463() throws Exception {
        whatsapp.expireToken(TOKEN);

        Answer answer = send(USER, "hi");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.error().path("code").asInt()).isEqualTo(190);
        assertThat(answer.error().path("error_subcode").asInt()).isEqualTo(463);
        assertThat(answer.error().path("message").asText()).startsWith("Error validating access token: Session has expired on ");
    }

    @Test
    void anUnknownNumberOrOneTheTokenDoesNotServeIsAnUnsupportedPostRequest() throws Exception {
        whatsapp.registerNumber("999", "EAAother");

        Answer unknown = call("POST", "/v23.0/123/messages", TOKEN, "{\"messaging_product\":\"whatsapp\"}");
        Answer notServed = call("POST", "/v23.0/999/messages", TOKEN, "{\"messaging_product\":\"whatsapp\"}");

        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.error().path("type").asText()).isEqualTo("GraphMethodException");
        assertThat(unknown.error().path("code").asInt()).isEqualTo(100);
        assertThat(unknown.error().path("error_subcode").asInt()).isEqualTo(33);
        assertThat(unknown.error().path("message").asText()).startsWith("Unsupported post request. Object with ID '123' does not exist");
        assertThat(notServed.error().path("error_subcode").asInt()).isEqualTo(33);
    }

    @Test
    void aScripted131047AnswersTheNextCallOnly() throws Exception {
        whatsapp.refuseNext(NUMBER, WhatsAppGraphApiServer.GraphError.reEngagementMessage());

        Answer refused = send(USER, "late");
        Answer next = send(USER, "again");

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.error().path("message").asText()).isEqualTo("(#131047) Re-engagement message");
        assertThat(refused.error().path("type").asText()).isEqualTo("OAuthException");
        assertThat(refused.error().path("code").asInt()).isEqualTo(131047);
        assertThat(refused.error().path("error_data").path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(refused.error().path("error_data").path("details").asText()).contains("24 hours");
        assertThat(refused.error().has("error_subcode")).isFalse();
        assertThat(next.status()).isEqualTo(200);
        assertThat(whatsapp.sentMessages()).extracting(WhatsAppGraphApiServer.SentMessage::text).containsExactly("again");
        assertThat(whatsapp.refusals()).containsEntry(131047, 1L);
    }

    @Test
    void scriptedRefusalsAnswerInOrderWithTheirHttpStatus() throws Exception {
        whatsapp.refuseNext(NUMBER, WhatsAppGraphApiServer.GraphError.somethingWentWrong());
        whatsapp.refuseNext(NUMBER, WhatsAppGraphApiServer.GraphError.accessTokenExpired());
        whatsapp.refuseNext(NUMBER, WhatsAppGraphApiServer.GraphError.spamRateLimitHit());
        whatsapp.refuseNext(NUMBER, WhatsAppGraphApiServer.GraphError.of(400, 131026, "Message undeliverable",
                "Message failed to send because of an unknown error with your request parameters."));

        assertThat(send(USER, "a").status()).isEqualTo(500);
        Answer expired = send(USER, "b");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.error().path("error_subcode").asInt()).isEqualTo(463);
        assertThat(send(USER, "c").error().path("code").asInt()).isEqualTo(131048);
        assertThat(send(USER, "d").error().path("message").asText()).isEqualTo("(#131026) Message undeliverable");
        assertThat(send(USER, "e").status()).isEqualTo(200);
    }

    @Test
    void aTextOver4096CharactersIsAnInvalidParameter() throws Exception {
        Answer tooLong = send(USER, "x".repeat(4097));
        Answer longest = send(USER, "x".repeat(4096));

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.error().path("code").asInt()).isEqualTo(100);
        assertThat(tooLong.error().path("message").asText()).isEqualTo("(#100) Param text.body must be at most 4096 characters long.");
        assertThat(longest.status()).isEqualTo(200);
    }

    @Test
    void requiredParametersAndUnreadableBodiesAreInvalidParameters() throws Exception {
        Answer noProduct = call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN, "{\"to\":\"1\",\"text\":{\"body\":\"x\"}}");
        Answer noRecipient = call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"text\":{\"body\":\"x\"}}");
        Answer noBody = call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"1\",\"text\":{}}");
        Answer notJson = call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN, "{not json");

        assertThat(noProduct.error().path("message").asText()).isEqualTo("(#100) The parameter messaging_product is required.");
        assertThat(noRecipient.error().path("message").asText()).isEqualTo("(#100) The parameter to is required.");
        assertThat(noBody.error().path("message").asText()).isEqualTo("(#100) The parameter text['body'] is required.");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.error().path("code").asInt()).isEqualTo(100);
        assertThat(whatsapp.sentMessages()).isEmpty();
    }

    @Test
    void theThroughputLimitAnswers130429BeyondItAndRefillsOverTime() throws Exception {
        whatsapp.throughputLimit(5);

        for (int i = 0; i < 5; i++) {
            assertThat(send("1555000000" + i, "hi").status()).isEqualTo(200);
        }
        Answer limited = send("15550000009", "hi");
        now.set(now.get().plusMillis(200));
        Answer refilled = send("15550000009", "hi");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.error().path("message").asText()).isEqualTo("(#130429) Rate limit hit");
        assertThat(limited.error().path("code").asInt()).isEqualTo(130429);
        assertThat(limited.error().path("error_subcode").asInt()).isEqualTo(2494055);
        assertThat(limited.error().path("error_data").path("details").asText())
                .isEqualTo("Cloud API message throughput has been reached.");
        assertThat(refilled.status()).isEqualTo(200);
        assertThat(send("15550000009", "hi").status()).isEqualTo(429);
        assertThat(whatsapp.refusals(130429)).isEqualTo(2);
        assertThat(whatsapp.sentMessages()).hasSize(6);
    }

    @Test
    void listenersSeeThrottledMessagesWithTheirHttpStatus() throws Exception {
        List<RecordedCall> seen = new CopyOnWriteArrayList<>();
        whatsapp.onCall(seen::add);
        whatsapp.throughputLimit(1);

        send(USER, "hi");
        send(USER, "again");

        assertThat(seen).extracting(RecordedCall::method, RecordedCall::status)
                .containsExactly(tuple("messages", 200), tuple("messages", 429));
        assertThat(whatsapp.calls()).isEqualTo(seen);
    }

    @Test
    void withoutKeepingCallsNoSentMessagesOrReadReceiptsAreKeptEither() throws Exception {
        List<RecordedCall> seen = new CopyOnWriteArrayList<>();
        whatsapp.onCall(seen::add);
        whatsapp.keepCalls(false);

        send(USER, "hi");
        call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.X\"}");

        assertThat(whatsapp.calls()).isEmpty();
        assertThat(whatsapp.sentMessages()).isEmpty();
        assertThat(whatsapp.readReceipts()).isEmpty();
        assertThat(seen).extracting(RecordedCall::status).containsExactly(200, 200);
    }

    @Test
    void thePairLimitAllowsMetasBurstOf45ThenAnswers131056UntilTheBorrowedTimeHasPassed() throws Exception {
        for (int i = 0; i < 45; i++) {
            assertThat(send(USER, "burst " + i).status()).isEqualTo(200);
        }
        Answer limited = send(USER, "one too many");
        Answer otherUser = send("16505550000", "someone else");
        now.set(now.get().plusSeconds(45 * 6 - 1));
        Answer stillLimited = send(USER, "too early");
        now.set(now.get().plusSeconds(1));
        Answer repaid = send(USER, "on time");

        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.error().path("code").asInt()).isEqualTo(131056);
        assertThat(limited.error().path("message").asText())
                .isEqualTo("(#131056) (Business Account, Consumer Account) pair rate limit hit");
        assertThat(otherUser.status()).isEqualTo(200);
        assertThat(stillLimited.error().path("code").asInt()).isEqualTo(131056);
        assertThat(repaid.status()).isEqualTo(200);
        assertThat(whatsapp.refusals(131056)).isEqualTo(2);
    }

    @Test
    void onePairMessageEveryIntervalNeverWaitsAndTheLimitsCanBeLoosened() throws Exception {
        whatsapp.pairRateLimit(Duration.ofSeconds(6), 1);
        assertThat(send(USER, "1").status()).isEqualTo(200);
        assertThat(send(USER, "2").error().path("code").asInt()).isEqualTo(131056);
        now.set(now.get().plusSeconds(6));
        assertThat(send(USER, "3").status()).isEqualTo(200);

        whatsapp.pairRateLimit(Duration.ZERO, 1);
        whatsapp.throughputLimit(1000);
        for (int i = 0; i < 200; i++) {
            assertThat(send(USER, "fast " + i).status()).isEqualTo(200);
        }
        assertThatThrownBy(() -> whatsapp.throughputLimit(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void readReceiptsDoNotCountAgainstTheRateLimits() throws Exception {
        whatsapp.throughputLimit(1);
        for (int i = 0; i < 3; i++) {
            assertThat(call("POST", "/v23.0/" + NUMBER + "/messages", TOKEN,
                    "{\"messaging_product\":\"whatsapp\",\"status\":\"read\",\"message_id\":\"wamid.IN\"}").status())
                    .isEqualTo(200);
        }
        assertThat(send(USER, "reply").status()).isEqualTo(200);
    }

    @Test
    void subscribedAppsSubscribesListsAndUnsubscribesTheTokensApp() throws Exception {
        String path = "/v23.0/" + WABA + "/subscribed_apps";
        assertThat(call("GET", path, WABA_TOKEN, null).body().toString()).isEqualTo("{\"data\":[]}");

        Answer subscribed = call("POST", path, WABA_TOKEN, "{}");
        Answer listed = call("GET", path, WABA_TOKEN, null);

        assertThat(subscribed.status()).isEqualTo(200);
        assertThat(subscribed.body().toString()).isEqualTo("{\"success\":true}");
        JsonNode app = listed.body().path("data").path(0).path("whatsapp_business_api_data");
        assertThat(app.path("id").asText()).isEqualTo(APP_ID);
        assertThat(app.path("link").asText()).isEqualTo("https://www.facebook.com/games/?app_id=" + APP_ID);
        assertThat(app.path("name").asText()).isNotEmpty();
        assertThat(whatsapp.subscribedApps(WABA)).containsExactly(APP_ID);

        assertThat(call("DELETE", path, WABA_TOKEN, null).body().toString()).isEqualTo("{\"success\":true}");
        assertThat(call("GET", path, WABA_TOKEN, null).body().path("data")).isEmpty();
        assertThat(whatsapp.subscribedApps(WABA)).isEmpty();
        assertThat(whatsapp.calls("subscribed_apps")).hasSize(5);
    }

    @Test
    void subscribedAppsOfAnAccountTheTokenDoesNotServeIsUnsupported() throws Exception {
        Answer numberToken = call("POST", "/v23.0/" + WABA + "/subscribed_apps", TOKEN, "{}");
        Answer unknownAccount = call("GET", "/v23.0/555/subscribed_apps", WABA_TOKEN, null);
        whatsapp.refuseNext(WABA, WhatsAppGraphApiServer.GraphError.somethingWentWrong());
        Answer scripted = call("POST", "/v23.0/" + WABA + "/subscribed_apps", WABA_TOKEN, "{}");

        assertThat(numberToken.error().path("error_subcode").asInt()).isEqualTo(33);
        assertThat(unknownAccount.error().path("message").asText()).startsWith("Unsupported get request. Object with ID '555'");
        assertThat(scripted.status()).isEqualTo(500);
        assertThat(whatsapp.subscribedApps(WABA)).isEmpty();
    }

    @Test
    void anyGraphVersionIsAcceptedAndOtherPathsAreUnknown() throws Exception {
        assertThat(call("POST", "/v19.0/" + NUMBER + "/messages", TOKEN,
                "{\"messaging_product\":\"whatsapp\",\"to\":\"1\",\"text\":{\"body\":\"x\"}}").status()).isEqualTo(200);

        Answer noVersion = call("POST", "/" + NUMBER + "/messages", TOKEN, "{}");
        Answer unknownEdge = call("GET", "/v23.0/" + NUMBER + "/message_templates", TOKEN, null);

        assertThat(noVersion.status()).isEqualTo(400);
        assertThat(noVersion.error().path("code").asInt()).isEqualTo(2500);
        assertThat(unknownEdge.error().path("message").asText()).isEqualTo("Unknown path components: /message_templates");
    }

    @Test
    void clearCallsForgetsRecordsButNotRateLimitState() throws Exception {
        whatsapp.pairRateLimit(Duration.ofSeconds(6), 1);
        send(USER, "one");
        send(USER, "two");

        whatsapp.clearCalls();

        assertThat(whatsapp.calls()).isEmpty();
        assertThat(whatsapp.sentMessages()).isEmpty();
        assertThat(whatsapp.refusals()).isEmpty();
        assertThat(send(USER, "three").error().path("code").asInt()).isEqualTo(131056);
    }
}
