package dev.parley.adapter.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.SendPermits;
import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.SlackWebApiServer;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Sending through the real Slack SDK client to a local server that answers like the Web API. */
class SlackOutboundTest {

    private static final String TOKEN = "xoxb-1111-2222-outbound-test-token";
    private static final String THREAD = "1595926230.009600";

    private SlackWebApiServer slack;
    private BotProfile bot;
    private final List<List<SendPermits.Limit>> permitsTaken = new ArrayList<>();
    private final SendPermits recordingPermits = (botId, limits) -> {
        permitsTaken.add(limits);
        return Duration.ZERO;
    };

    @BeforeEach
    void start() {
        slack = SlackWebApiServer.start();
        slack.registerBot(TOKEN, new SlackWebApiServer.BotUser("T0PARLEY", "Parley Support", "U0HELPER", "helpdesk",
                "B0HELPER"));
        bot = bot(TOKEN, slack.baseUrl());
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private static BotProfile bot(String token, String apiBaseUrl) {
        return new BotProfile("helpdesk", Platform.SLACK, "Helpdesk",
                Map.of(SlackCredentials.BOT_TOKEN, token, SlackCredentials.SIGNING_SECRET, "signing-secret-value"),
                apiBaseUrl);
    }

    private SlackOutbound outbound(SendPermits permits) {
        return new SlackOutbound(new SlackWebApi(), new SlackFormat(), permits);
    }

    private static OutboundMessage reply(String markdown, String channel, String threadId) {
        return reply(ReplyKind.FINAL, markdown, channel, threadId);
    }

    private static OutboundMessage reply(ReplyKind kind, String markdown, String channel, String threadId) {
        return new OutboundMessage("r-" + markdown.length(), new ReplyRoute(Platform.SLACK, "helpdesk", channel,
                threadId, "1595926230.009600"), kind, 0, markdown);
    }

    /** About 9,000 characters of paragraphs: three messages. */
    private static String longReply() {
        return ("word ".repeat(300).strip() + "\n\n").repeat(6);
    }

    @Test
    void aReplyIsPostedAsMrkdwnIntoTheQuestionsThread() {
        DeliveryOutcome outcome = outbound(recordingPermits).send(bot, reply("**Hi** <you> & `code`", "C111", THREAD));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(((DeliveryOutcome.Delivered) outcome).platformMessageIds()).singleElement()
                .satisfies(ts -> assertThat(ts).matches("[0-9]+\\.[0-9]{6}"));
        RecordedCall post = slack.calls("chat.postMessage").getFirst();
        assertThat(post.token()).isEqualTo(TOKEN);
        assertThat(post.parameter("channel")).isEqualTo("C111");
        assertThat(post.parameter("thread_ts")).isEqualTo(THREAD);
        assertThat(post.parameter("text")).isEqualTo("*Hi* &lt;you&gt; &amp; `code`");
        assertThat(post.parameter("mrkdwn")).as("the SDK sends booleans as 1").isEqualTo("1");
    }

    @Test
    void aDirectMessageOutsideAThreadIsAnsweredInTheConversationItself() {
        DeliveryOutcome outcome = outbound(recordingPermits).send(bot, reply("hello", "D0442US94JD", null));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        RecordedCall post = slack.calls("chat.postMessage").getFirst();
        assertThat(post.parameter("channel")).isEqualTo("D0442US94JD");
        assertThat(post.parameter("thread_ts")).isNull();
    }

    @Test
    void aLongReplyGoesOutInChunksAllInTheThreadEachTakingAPermit() {
        DeliveryOutcome outcome = outbound(recordingPermits).send(bot, reply(longReply(), "C111", THREAD));

        List<RecordedCall> posts = slack.calls("chat.postMessage");
        assertThat(posts).hasSize(3).allSatisfy(post -> {
            assertThat(post.parameter("thread_ts")).isEqualTo(THREAD);
            assertThat(post.parameter("text").length()).isLessThanOrEqualTo(SlackFormat.MAX_MESSAGE_LENGTH);
        });
        assertThat(((DeliveryOutcome.Delivered) outcome).platformMessageIds()).hasSize(3).doesNotHaveDuplicates();
        assertThat(permitsTaken).hasSize(3).allSatisfy(limits -> assertThat(limits)
                .containsExactly(new SendPermits.Limit("channel:C111", 1, Duration.ofSeconds(1))));
    }

    @Test
    void a429BecomesRetryAfterTheDelaySlackAskedForAndNothingIsPostedIntoTheChat() {
        SlackOutbound outbound = outbound(recordingPermits);
        slack.rateLimitNext("chat.postMessage", 7);

        DeliveryOutcome outcome = outbound.send(bot, reply("hello", "C111", THREAD));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.RetryLater(Duration.ofSeconds(7), "429 from the Slack Web API"));
        assertThat(outbound.send(bot, reply("hello", "C111", THREAD))).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(slack.calls("chat.postMessage")).hasSize(2)
                .allSatisfy(call -> assertThat(call.parameter("text")).isEqualTo("hello"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ratelimited", "service_unavailable", "internal_error", "fatal_error", "request_timeout"})
    void transientErrorCodesAreRetriedLater(String error) {
        slack.failNext("chat.postMessage", error);

        assertThat(outbound(recordingPermits).send(bot, reply("hello", "C111", THREAD)))
                .isEqualTo(new DeliveryOutcome.RetryLater(null, error));
    }

    @ParameterizedTest
    @ValueSource(strings = {"channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive",
            "token_revoked", "msg_too_long", "no_text", "restricted_action", "some_error_from_a_later_api"})
    void otherErrorCodesFailWithTheCode(String error) {
        slack.failNext("chat.postMessage", error);

        assertThat(outbound(recordingPermits).send(bot, reply("hello", "C111", THREAD)))
                .isEqualTo(new DeliveryOutcome.Failed(error));
    }

    @Test
    void aTokenSlackDoesNotKnowFailsWithoutTheTokenInTheReason() {
        String unknown = "xoxb-9999-not-registered";

        DeliveryOutcome outcome = outbound(recordingPermits).send(bot(unknown, slack.baseUrl()),
                reply("hello", "C111", THREAD));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.Failed("invalid_auth"));
        assertThat(outcome.toString()).doesNotContain(unknown);
    }

    @Test
    void anUnreachableServerIsRetriedLaterWithoutTheToken() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        DeliveryOutcome outcome = outbound(recordingPermits).send(bot(TOKEN, "http://127.0.0.1:" + closedPort),
                reply("hello", "C111", THREAD));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).startsWith("Slack unreachable: ")
                .doesNotContain(TOKEN);
    }

    @Test
    void aBotWithoutATokenFails() {
        BotProfile tokenless = new BotProfile("helpdesk", Platform.SLACK, "Helpdesk", Map.of(), slack.baseUrl());

        assertThat(outbound(recordingPermits).send(tokenless, reply("hello", "C111", THREAD)))
                .isEqualTo(new DeliveryOutcome.Failed("the bot has no botToken"));
        assertThat(slack.calls()).isEmpty();
    }

    @Test
    void aReplyCutShortIsResumedWhereItStoppedOnTheRetry() {
        // The second chunk finds no permit for a while, and then Slack rate-limits the retry once.
        AtomicInteger takes = new AtomicInteger();
        SlackOutbound outbound = outbound((botId, limits) ->
                takes.incrementAndGet() == 2 ? Duration.ofSeconds(30) : Duration.ZERO);
        OutboundMessage message = reply(longReply(), "C111", THREAD);
        List<String> chunks = new SlackFormat().render(message.markdown());

        assertThat(outbound.send(bot, message)).isEqualTo(
                new DeliveryOutcome.RetryLater(Duration.ofSeconds(30), "Slack's send limit for this conversation"));
        slack.rateLimitNext("chat.postMessage", 2);
        assertThat(outbound.send(bot, message))
                .isEqualTo(new DeliveryOutcome.RetryLater(Duration.ofSeconds(2), "429 from the Slack Web API"));
        DeliveryOutcome finished = outbound.send(bot, message);

        assertThat(((DeliveryOutcome.Delivered) finished).platformMessageIds()).hasSize(2);
        assertThat(slack.calls("chat.postMessage")).extracting(call -> call.parameter("text"))
                .containsExactly(chunks.get(0), chunks.get(1), chunks.get(1), chunks.get(2));
    }

    @Test
    void aFailedReplyStartsAgainFromTheFirstChunkWhenSentAgain() {
        AtomicInteger takes = new AtomicInteger();
        SlackOutbound outbound = outbound((botId, limits) ->
                takes.incrementAndGet() == 2 ? Duration.ofSeconds(30) : Duration.ZERO);
        OutboundMessage message = reply(longReply(), "C111", THREAD);

        assertThat(outbound.send(bot, message)).isInstanceOf(DeliveryOutcome.RetryLater.class);
        slack.failNext("chat.postMessage", "is_archived");
        assertThat(outbound.send(bot, message)).isEqualTo(new DeliveryOutcome.Failed("is_archived"));
        assertThat(outbound.send(bot, message)).isInstanceOf(DeliveryOutcome.Delivered.class);

        assertThat(slack.calls("chat.postMessage")).hasSize(1 + 1 + 3);
    }

    @Test
    void aShortWaitForAPermitIsSleptThrough() {
        AtomicInteger takes = new AtomicInteger();
        SlackOutbound outbound = outbound((botId, limits) ->
                takes.incrementAndGet() == 1 ? Duration.ofMillis(20) : Duration.ZERO);

        assertThat(outbound.send(bot, reply("hello", "C111", THREAD))).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(takes.get()).isEqualTo(2);
        assertThat(slack.calls("chat.postMessage")).hasSize(1);
    }

    @Test
    void typingIsAcknowledgedWithoutPostingBecauseSlackHasNoTypingIndicatorForBots() {
        assertThat(outbound(recordingPermits).send(bot, reply(ReplyKind.TYPING, "", "C111", THREAD)))
                .isEqualTo(new DeliveryOutcome.Delivered(List.of()));
        assertThat(slack.calls()).isEmpty();
        assertThat(permitsTaken).isEmpty();
    }

    private static OutboundMessage piece(ReplyKind kind, int sequence, String markdown, List<String> streamed) {
        return new OutboundMessage("r-stream", new ReplyRoute(Platform.SLACK, "helpdesk", "C111", THREAD,
                "1595926230.009600"), kind, sequence, markdown, streamed);
    }

    private static List<String> ids(DeliveryOutcome outcome) {
        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        return ((DeliveryOutcome.Delivered) outcome).platformMessageIds();
    }

    @Test
    void aStreamedAnswerIsPostedOnceThenUpdatedInPlaceAndFinishedWithTheFormattedText() {
        SlackOutbound outbound = outbound(recordingPermits);
        List<String> posted = ids(outbound.send(bot, piece(ReplyKind.CHUNK, 0, "The answer", List.of())));

        DeliveryOutcome second = outbound.send(bot, piece(ReplyKind.CHUNK, 1, "The answer is", posted));
        DeliveryOutcome last = outbound.send(bot, piece(ReplyKind.FINAL, 0, "The answer is **42**.", posted));

        assertThat(posted).singleElement().satisfies(ts -> assertThat(ts).matches("[0-9]+\\.[0-9]{6}"));
        assertThat(second).isEqualTo(new DeliveryOutcome.Delivered(posted));
        assertThat(last).isEqualTo(new DeliveryOutcome.Delivered(posted));
        RecordedCall post = slack.calls("chat.postMessage").getFirst();
        assertThat(slack.calls("chat.postMessage")).hasSize(1);
        assertThat(post.parameter("thread_ts")).isEqualTo(THREAD);
        assertThat(post.parameter("text")).isEqualTo("The answer");
        assertThat(slack.calls("chat.update")).hasSize(2).allSatisfy(update -> {
            assertThat(update.token()).isEqualTo(TOKEN);
            assertThat(update.parameter("channel")).isEqualTo("C111");
            assertThat(update.parameter("ts")).isEqualTo(posted.getFirst());
        });
        assertThat(slack.messageText("C111", posted.getFirst())).contains("The answer is *42*.");
        assertThat(permitsTaken).hasSize(3);
    }

    @Test
    void aStreamedPieceThatFindsNoPermitIsSkippedBecauseTheNextOneCarriesItsText() {
        AtomicInteger takes = new AtomicInteger();
        SlackOutbound outbound = outbound((botId, limits) ->
                takes.incrementAndGet() == 1 ? Duration.ZERO : Duration.ofMillis(400));
        List<String> posted = ids(outbound.send(bot, piece(ReplyKind.CHUNK, 0, "Thinking", List.of())));

        DeliveryOutcome skipped = outbound.send(bot, piece(ReplyKind.CHUNK, 1, "Thinking harder", posted));

        assertThat(skipped).isEqualTo(new DeliveryOutcome.Delivered(posted));
        assertThat(takes.get()).as("asked once, not waited for").isEqualTo(2);
        assertThat(slack.calls("chat.update")).isEmpty();
        assertThat(slack.messageText("C111", posted.getFirst())).contains("Thinking");
    }

    @Test
    void aLongFinalTextUpdatesTheStreamedMessageAndPostsTheRestInTheThread() {
        SlackOutbound outbound = outbound(recordingPermits);
        List<String> posted = ids(outbound.send(bot, piece(ReplyKind.CHUNK, 0, "word word", List.of())));
        List<String> chunks = new SlackFormat().render(longReply());

        List<String> delivered = ids(outbound.send(bot, piece(ReplyKind.FINAL, 0, longReply(), posted)));

        assertThat(chunks).hasSize(3);
        assertThat(delivered).hasSize(3).doesNotHaveDuplicates().startsWith(posted.getFirst());
        assertThat(slack.calls("chat.update")).singleElement()
                .satisfies(update -> assertThat(update.parameter("text")).isEqualTo(chunks.get(0)));
        assertThat(slack.messageText("C111", posted.getFirst())).contains(chunks.get(0));
        List<RecordedCall> posts = slack.calls("chat.postMessage");
        assertThat(posts).hasSize(3).allSatisfy(post -> assertThat(post.parameter("thread_ts")).isEqualTo(THREAD));
        assertThat(posts.subList(1, 3)).extracting(post -> post.parameter("text"))
                .containsExactly(chunks.get(1), chunks.get(2));
        assertThat(slack.messageText("C111", delivered.get(1))).contains(chunks.get(1));
        assertThat(slack.messageText("C111", delivered.get(2))).contains(chunks.get(2));
    }

    @Test
    void aFinalTextCutShortIsResumedWithoutUpdatingOrPostingAgain() {
        // The streamed post and the final update get permits; the first message after them waits too long.
        AtomicInteger takes = new AtomicInteger();
        SlackOutbound outbound = outbound((botId, limits) ->
                takes.incrementAndGet() == 3 ? Duration.ofSeconds(30) : Duration.ZERO);
        List<String> posted = ids(outbound.send(bot, piece(ReplyKind.CHUNK, 0, "word word", List.of())));
        OutboundMessage last = piece(ReplyKind.FINAL, 0, longReply(), posted);
        List<String> chunks = new SlackFormat().render(longReply());

        assertThat(outbound.send(bot, last)).isEqualTo(
                new DeliveryOutcome.RetryLater(Duration.ofSeconds(30), "Slack's send limit for this conversation"));
        slack.rateLimitNext("chat.postMessage", 2);
        assertThat(outbound.send(bot, last))
                .isEqualTo(new DeliveryOutcome.RetryLater(Duration.ofSeconds(2), "429 from the Slack Web API"));
        List<String> delivered = ids(outbound.send(bot, last));

        assertThat(slack.calls("chat.update")).hasSize(1);
        assertThat(slack.calls("chat.postMessage")).extracting(call -> call.parameter("text"))
                .containsExactly("word word", chunks.get(1), chunks.get(1), chunks.get(2));
        assertThat(delivered).hasSize(3).startsWith(posted.getFirst());
    }

    @Test
    void chatUpdateErrorsAreClassifiedLikePostMessageOnes() {
        SlackOutbound outbound = outbound(recordingPermits);
        List<String> posted = ids(outbound.send(bot, piece(ReplyKind.CHUNK, 0, "Thinking", List.of())));

        slack.rateLimitNext("chat.update", 5);
        assertThat(outbound.send(bot, piece(ReplyKind.CHUNK, 1, "Thinking harder", posted)))
                .isEqualTo(new DeliveryOutcome.RetryLater(Duration.ofSeconds(5), "429 from the Slack Web API"));
        slack.failNext("chat.update", "service_unavailable");
        assertThat(outbound.send(bot, piece(ReplyKind.FINAL, 0, "Done.", posted)))
                .isEqualTo(new DeliveryOutcome.RetryLater(null, "service_unavailable"));
        slack.failNext("chat.update", "cant_update_message");
        assertThat(outbound.send(bot, piece(ReplyKind.FINAL, 0, "Done.", posted)))
                .isEqualTo(new DeliveryOutcome.Failed("cant_update_message"));
        assertThat(outbound.send(bot, piece(ReplyKind.FINAL, 0, "Done.", List.of("1.000001"))))
                .isEqualTo(new DeliveryOutcome.Failed("message_not_found"));

        assertThat(outbound.send(bot, piece(ReplyKind.FINAL, 0, "Done.", posted)))
                .isEqualTo(new DeliveryOutcome.Delivered(posted));
        assertThat(slack.messageText("C111", posted.getFirst())).contains("Done.");
        assertThat(slack.calls("chat.postMessage")).hasSize(1);
    }

    @Test
    void anErrorReplyIsPostedLikeAnAnswer() {
        assertThat(outbound(recordingPermits).send(bot, reply(ReplyKind.ERROR, "Sorry, that failed.", "C111", THREAD)))
                .isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(slack.calls("chat.postMessage").getFirst().parameter("text")).isEqualTo("Sorry, that failed.");
    }
}
