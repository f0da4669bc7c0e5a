package dev.parley.hub.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.ChatKind;
import dev.parley.contract.ChatRef;
import dev.parley.contract.ChatRequest;
import dev.parley.contract.ContractJson;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.Sender;
import dev.parley.contract.Topics;
import dev.parley.hub.KafkaProbe;
import dev.parley.hub.TestVisitor;
import dev.parley.simulators.SlackWebApiServer;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on real Redis and Kafka, through the web chat and a test adapter (messages of another platform
 * handed to the pipeline exactly as an adapter would): redeliveries, commands, account linking, limits, gating.
 */
@QuarkusTest
class PipelineGuaranteesTest {

    /** Where the hub's own answers to the registered Slack bots go (a notice, a pairing code), instead of slack.com. */
    private static SlackWebApiServer slack;

    @BeforeAll
    static void startSlack() {
        slack = SlackWebApiServer.start();
        for (String token : List.of("xoxb-pairing", "xoxb-quota")) {
            slack.registerBot(token, new SlackWebApiServer.BotUser("T0PIPE", "Pipeline", "U0" + token.length(),
                    token, "B0" + token.length()));
        }
    }

    @AfterAll
    static void stopSlack() {
        slack.close();
    }

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = ContractJson.newMapper();

    @TestHTTPResource("/")
    URI base;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    InboundPipeline pipeline;

    @Inject
    Pairings pairings;

    private KafkaProbe requests;

    @BeforeEach
    void open() {
        requests = new KafkaProbe(bootstrap, Topics.REQUESTS);
    }

    @AfterEach
    void close() {
        requests.close();
    }

    private TestVisitor visitor() {
        return TestVisitor.connect("ws://" + base.getHost() + ":" + base.getPort(), null);
    }

    /** A message as the Slack adapter would hand it over. */
    private static InboundMessage fromSlack(String user, ChatKind kind, String text, boolean mention, boolean bot) {
        Instant now = Instant.now();
        return new InboundMessage(UUID.randomUUID().toString(), Platform.SLACK, "test-slack",
                "Ev" + UUID.randomUUID(), new ChatRef(kind == ChatKind.DIRECT ? "D" + user : "C0GROUP", kind, null),
                new Sender(user, "Test user", bot), text, List.of(), null, mention, now, now);
    }

    private InboundPipeline.Acceptance accept(InboundMessage message) {
        return pipeline.accept(message).await().atMost(WAIT);
    }

    /**
     * Requests written since the test began that match, waiting until {@code stopAfter} matched or the time is up;
     * asking for one more than expected proves that no extra one arrives within that time.
     */
    private List<ChatRequest> requests(java.util.function.Predicate<ChatRequest> filter, int stopAfter,
                                       Duration within) {
        return requests.await(r -> filter.test(parse(r.value())), stopAfter, within).stream()
                .map(r -> parse(r.value())).toList();
    }

    private static ChatRequest parse(String json) {
        try {
            return JSON.readValue(json, ChatRequest.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theSameMessageDeliveredFiveTimesAtOnceIsEnqueuedOnce() throws Exception {
        InboundMessage message = fromSlack("U" + UUID.randomUUID(), ChatKind.DIRECT, "only once", false, false);
        ConcurrentLinkedQueue<InboundPipeline.Acceptance> outcomes = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        try (var pool = Executors.newFixedThreadPool(5)) {
            for (int i = 0; i < 5; i++) {
                pool.submit(() -> {
                    start.await();
                    outcomes.add(accept(message));
                    return null;
                });
            }
            start.countDown();
        }

        assertThat(outcomes).hasSize(5).containsOnlyOnce(InboundPipeline.Acceptance.ENQUEUED)
                .doesNotContain(InboundPipeline.Acceptance.ANSWERED, InboundPipeline.Acceptance.IGNORED);
        assertThat(requests(r -> r.text().equals("only once")
                && r.route().replyToMessageId().equals(message.platformMessageId()), 2, Duration.ofSeconds(3)))
                .hasSize(1);
    }

    @Test
    void otherBotsAndUnaddressedGroupMessagesAreNotAnswered() {
        String user = "U" + UUID.randomUUID();

        assertThat(accept(fromSlack(user, ChatKind.DIRECT, "from a bot", false, true)))
                .isEqualTo(InboundPipeline.Acceptance.IGNORED);
        assertThat(accept(fromSlack(user, ChatKind.GROUP, "chatter " + user, false, false)))
                .isEqualTo(InboundPipeline.Acceptance.IGNORED);
        assertThat(accept(fromSlack(user, ChatKind.GROUP, "@parley question " + user, true, false)))
                .isEqualTo(InboundPipeline.Acceptance.ENQUEUED);

        List<ChatRequest> written = requests(r -> r.text().contains(user), 3, Duration.ofSeconds(3));
        assertThat(written).extracting(ChatRequest::text).containsExactly("@parley question " + user);
        assertThat(written.get(0).conversationId()).isEqualTo("slack:test-slack:chat:C0GROUP");
    }

    @Test
    void linkingMakesTwoPlatformsOneConversationAndUnlinkingSeparatesThem() throws Exception {
        try (TestVisitor web = visitor()) {
            String webConversation = web.next("welcome", WAIT).get("conversationId").asText();
            web.sendMessage("link-1", "/link");
            assertThat(web.next("accepted", WAIT).get("id").asText()).isEqualTo("link-1");
            String text = web.next("reply", WAIT).get("markdown").asText();
            Matcher code = Pattern.compile("\\*\\*([A-Z2-9]{6})\\*\\*").matcher(text);
            assertThat(code.find()).as(text).isTrue();

            String slackUser = "U" + UUID.randomUUID();
            assertThat(accept(fromSlack(slackUser, ChatKind.DIRECT, "/link " + code.group(1).toLowerCase(), false,
                    false))).isEqualTo(InboundPipeline.Acceptance.ANSWERED);
            assertThat(accept(fromSlack(slackUser, ChatKind.DIRECT, "hello from slack " + slackUser, false, false)))
                    .isEqualTo(InboundPipeline.Acceptance.ENQUEUED);
            web.sendMessage("web-2", "hello from the web " + slackUser);
            web.next("accepted", WAIT);

            List<ChatRequest> linked = requests(r -> r.text().endsWith(slackUser), 2, WAIT);
            assertThat(linked).hasSize(2).extracting(ChatRequest::conversationId).containsOnly(webConversation);
            assertThat(linked).extracting(ChatRequest::userId).containsOnly(webConversation.substring(3));

            // The code was used once; it does not link a third identity.
            assertThat(accept(fromSlack("U" + UUID.randomUUID(), ChatKind.DIRECT, "/link " + code.group(1), false,
                    false))).isEqualTo(InboundPipeline.Acceptance.ANSWERED);

            assertThat(accept(fromSlack(slackUser, ChatKind.DIRECT, "/unlink", false, false)))
                    .isEqualTo(InboundPipeline.Acceptance.ANSWERED);
            accept(fromSlack(slackUser, ChatKind.DIRECT, "alone again " + slackUser, false, false));
            List<ChatRequest> after = requests(r -> r.text().equals("alone again " + slackUser), 1, WAIT);
            assertThat(after).hasSize(1);
            assertThat(after.get(0).conversationId()).isNotEqualTo(webConversation).startsWith("dm:u");
        }
    }

    @Test
    void resetStartsAFreshConversationAndHelpIsAnsweredByTheHub() throws Exception {
        try (TestVisitor web = visitor()) {
            String conversation = web.next("welcome", WAIT).get("conversationId").asText();

            web.sendMessage("help-1", "/help");
            assertThat(web.next("reply", WAIT).get("markdown").asText()).contains("/reset", "/link", "/unlink");
            web.sendMessage("reset-1", "/reset");
            assertThat(web.next("reply", WAIT).get("markdown").asText()).startsWith("Fresh start");
            web.sendMessage("after-reset", "first question of the new conversation " + conversation);

            List<ChatRequest> written = requests(r -> r.text().endsWith(conversation), 1, WAIT);
            assertThat(written).hasSize(1);
            assertThat(written.get(0).conversationId()).isEqualTo(conversation + "~1");
        }
    }

    @Test
    void aFloodingUserIsLimitedAndToldOnce() throws Exception {
        // The web chat bot has the default policy: 20 messages a minute.
        try (TestVisitor web = visitor()) {
            String conversation = web.next("welcome", WAIT).get("conversationId").asText();
            for (int i = 0; i < 26; i++) {
                web.sendMessage("flood-" + i, "flood " + i + " " + conversation);
            }
            List<JsonNode> replies = new ArrayList<>();
            JsonNode frame;
            int accepted = 0;
            while ((frame = web.poll(Duration.ofSeconds(3))) != null) {
                if ("accepted".equals(frame.get("type").asText())) {
                    accepted++;
                } else if ("reply".equals(frame.get("type").asText())) {
                    replies.add(frame);
                }
            }

            assertThat(accepted).isEqualTo(26);
            assertThat(requests(r -> r.text().endsWith(conversation), 26, Duration.ofSeconds(3))).hasSize(20);
            assertThat(replies).hasSize(1);
            assertThat(replies.get(0).get("markdown").asText()).contains("faster than I can answer");
        }
    }

    @Test
    void inPairingModeAnUnknownUserGetsACodeAndIsAnsweredOnceAnAdminApprovesIt() throws Exception {
        String bot = "pairing-" + UUID.randomUUID().toString().substring(0, 8);
        io.restassured.RestAssured.given().header("Authorization", "Bearer test-admin-token-7f3a9c")
                .contentType("application/json")
                .body(java.util.Map.of("id", bot, "platform", "slack", "credentials",
                        java.util.Map.of("botToken", "xoxb-pairing", "signingSecret", "pairing-secret"),
                        "apiBaseUrl", slack.baseUrl(), "policy", java.util.Map.of("directMessages", "pairing")))
                .post("/admin/bots").then().statusCode(201);
        String user = "U" + UUID.randomUUID();
        InboundMessage first = withBot(fromSlack(user, ChatKind.DIRECT, "let me in " + user, false, false), bot);

        assertThat(accept(first)).isEqualTo(InboundPipeline.Acceptance.ANSWERED);
        assertThat(accept(withBot(fromSlack(user, ChatKind.DIRECT, "please " + user, false, false), bot)))
                .as("told once, then quiet").isEqualTo(InboundPipeline.Acceptance.IGNORED);
        String code = pairings.codeFor(bot, user).await().atMost(WAIT); // the code the user was told

        io.restassured.RestAssured.given().header("Authorization", "Bearer test-admin-token-7f3a9c")
                .post("/admin/bots/" + bot + "/pairings/" + code).then().statusCode(200)
                .body("policy.allowlist", org.hamcrest.Matchers.hasItem(user));
        io.restassured.RestAssured.given().header("Authorization", "Bearer test-admin-token-7f3a9c")
                .post("/admin/bots/" + bot + "/pairings/" + code).then().statusCode(404);
        Thread.sleep(1100); // policies are re-read within a second

        assertThat(accept(withBot(fromSlack(user, ChatKind.DIRECT, "now? " + user, false, false), bot)))
                .isEqualTo(InboundPipeline.Acceptance.ENQUEUED);
        assertThat(requests(r -> r.text().endsWith(user), 2, Duration.ofSeconds(3)))
                .extracting(ChatRequest::text).containsExactly("now? " + user);
    }

    private static InboundMessage withBot(InboundMessage m, String bot) {
        return new InboundMessage(m.hubId(), m.platform(), bot, m.platformMessageId(), m.chat(), m.sender(), m.text(),
                m.attachments(), m.replyToMessageId(), m.mentionsBot(), m.platformTimestamp(), m.receivedAt());
    }

    @Test
    void aBotsDailyQuotaStopsModelRequestsAndEachUserIsToldOnce() {
        String bot = "quota-" + UUID.randomUUID().toString().substring(0, 8);
        io.restassured.RestAssured.given().header("Authorization", "Bearer test-admin-token-7f3a9c")
                .contentType("application/json")
                .body(java.util.Map.of("id", bot, "platform", "slack", "credentials",
                        java.util.Map.of("botToken", "xoxb-quota", "signingSecret", "quota-secret"),
                        "apiBaseUrl", slack.baseUrl(), "policy", java.util.Map.of("dailyModelRequests", 2)))
                .post("/admin/bots").then().statusCode(201);
        java.util.List<InboundPipeline.Acceptance> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            outcomes.add(accept(withBot(fromSlack("U" + (i % 3) + bot, ChatKind.DIRECT, "q" + i, false, false), bot)));
        }
        assertThat(outcomes).containsExactly(InboundPipeline.Acceptance.ENQUEUED, InboundPipeline.Acceptance.ENQUEUED,
                InboundPipeline.Acceptance.ANSWERED, InboundPipeline.Acceptance.ANSWERED);
        assertThat(accept(withBot(fromSlack("U2" + bot, ChatKind.DIRECT, "again", false, false), bot)))
                .as("told once").isEqualTo(InboundPipeline.Acceptance.IGNORED);
    }

    @Test
    void theRedeliveryWindowIsSetPerPlatform() throws Exception {
        // %test profile: parley.pipeline.dedup-windows.discord=2s (everything else keeps 24 h)
        Instant now = Instant.now();
        InboundMessage message = new InboundMessage(UUID.randomUUID().toString(), Platform.DISCORD, "test-discord",
                "m-" + UUID.randomUUID(), ChatRef.direct("D1"), new Sender("U-" + UUID.randomUUID(), "u", false),
                "window", List.of(), null, false, now, now);
        InboundMessage slackTwin = fromSlack("U-" + UUID.randomUUID(), ChatKind.DIRECT, "window", false, false);

        assertThat(accept(message)).isEqualTo(InboundPipeline.Acceptance.ENQUEUED);
        assertThat(accept(slackTwin)).isEqualTo(InboundPipeline.Acceptance.ENQUEUED);
        assertThat(accept(message)).isEqualTo(InboundPipeline.Acceptance.DUPLICATE);
        Thread.sleep(2500);
        assertThat(accept(message)).as("past Discord's window").isEqualTo(InboundPipeline.Acceptance.ENQUEUED);
        assertThat(accept(slackTwin)).as("within Slack's").isEqualTo(InboundPipeline.Acceptance.DUPLICATE);
    }
}
