package dev.parley.adapter.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.SendPermits;
import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.TelegramBotApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sending through the real telegrambots client to a local server that answers like the Bot API. */
class TelegramOutboundTest {

    private static final String TOKEN = "123456:AAH-outbound-test-token";
    private TelegramBotApiServer telegram;
    private BotProfile bot;
    private final ScriptedPermits permits = new ScriptedPermits();
    private final TelegramOutbound outbound = new TelegramOutbound(new OkHttpClient(), new TelegramFormat(), permits);

    /** Stands in for the hub's Redis buckets (tested with the hub): records what is asked, grants or makes wait. */
    static final class ScriptedPermits implements SendPermits {
        final List<List<Limit>> asked = new CopyOnWriteArrayList<>();
        volatile Duration wait = Duration.ZERO;

        @Override
        public Duration tryTake(String botId, List<Limit> limits) {
            asked.add(limits);
            return wait;
        }
    }

    @BeforeEach
    void start() {
        telegram = TelegramBotApiServer.start();
        telegram.registerBot(TOKEN, "parley_test_bot");
        bot = new BotProfile("support", Platform.TELEGRAM, "Support", Map.of(TelegramCredentials.BOT_TOKEN, TOKEN),
                telegram.baseUrl());
    }

    @AfterEach
    void stop() {
        telegram.close();
    }

    private static OutboundMessage reply(String markdown, String threadId) {
        return new OutboundMessage("r-" + markdown.length(), new ReplyRoute(Platform.TELEGRAM, "support", "-100123",
                threadId, "77"), ReplyKind.FINAL, 0, markdown);
    }

    @Test
    void aReplyIsSentAsHtmlAnsweringTheUsersMessageInItsTopic() {
        DeliveryOutcome outcome = outbound.send(bot, reply("**Hi** <you>", "42"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        RecordedCall send = telegram.calls("sendMessage").get(0);
        assertThat(send.parameter("text")).isEqualTo("<b>Hi</b> &lt;you&gt;");
        assertThat(send.parameter("message_thread_id")).isEqualTo("42");
        assertThat(send.parameter("reply_parameters")).contains("\"message_id\":77");
    }

    @Test
    void aLongReplyGoesOutInChunksAndOnlyTheFirstRepliesToTheUser() {
        String markdown = ("word ".repeat(300) + "\n\n").repeat(4); // about 6,000 characters

        DeliveryOutcome outcome = outbound.send(bot, reply(markdown, null));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        List<RecordedCall> sends = telegram.calls("sendMessage");
        assertThat(sends).hasSize(2);
        assertThat(sends.get(0).parameter("reply_parameters")).isNotNull();
        assertThat(sends.get(1).parameter("reply_parameters")).isNull();
    }

    @Test
    void a429BecomesRetryAfterTheDelayTelegramAskedForAndNothingIsPostedIntoTheChat() {
        telegram.rateLimitNext("sendMessage", 7);

        DeliveryOutcome outcome = outbound.send(bot, reply("hello", null));

        assertThat(outcome).isEqualTo(new DeliveryOutcome.RetryLater(Duration.ofSeconds(7), "429 from the Bot API"));
        assertThat(outbound.send(bot, reply("hello", null))).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(telegram.calls("sendMessage")).hasSize(2)
                .allSatisfy(call -> assertThat(call.parameter("text")).isEqualTo("hello"));
    }

    @Test
    void markupTelegramCannotParseIsSentAgainAsPlainText() {
        telegram.failNext("sendMessage", 400, "Bad Request: can't parse entities: unsupported start tag");

        DeliveryOutcome outcome = outbound.send(bot, reply("**bold** & co", null));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        List<RecordedCall> sends = telegram.calls("sendMessage");
        assertThat(sends).hasSize(2);
        assertThat(sends.get(1).parameter("text")).isEqualTo("bold & co");
        assertThat(sends.get(1).parameter("parse_mode")).isNull();
    }

    @Test
    void aChatThatIsGoneFailsForGoodWithoutTheToken() {
        telegram.failNext("sendMessage", 400, "Bad Request: chat not found");

        DeliveryOutcome outcome = outbound.send(bot, reply("hello", null));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(((DeliveryOutcome.Failed) outcome).reason()).contains("chat not found").doesNotContain(TOKEN);
    }

    @Test
    void everyMessageTakesAPermitFromTheChatTheGroupAndTheBotBuckets() {
        outbound.send(bot, reply(("word ".repeat(300) + "\n\n").repeat(4), null));

        assertThat(permits.asked).hasSize(2).allSatisfy(limits -> assertThat(limits).containsExactly(
                new SendPermits.Limit("chat:-100123", 1, Duration.ofSeconds(1)),
                new SendPermits.Limit("group:-100123", 20, Duration.ofMinutes(1)),
                new SendPermits.Limit("bot", 30, Duration.ofSeconds(1))));
        assertThat(TelegramOutbound.limitsFor("4242")).extracting(SendPermits.Limit::scope)
                .containsExactly("chat:4242", "bot");
    }

    @Test
    void aLongWaitForAPermitIsHandedBackAsRetryLaterWithoutSending() {
        permits.wait = Duration.ofSeconds(20);

        DeliveryOutcome outcome = outbound.send(bot, reply("hello", null));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).after()).isEqualTo(Duration.ofSeconds(20));
        assertThat(telegram.calls("sendMessage")).isEmpty();
    }

    @Test
    void typingIsAChatActionInTheTopicAndTakesNoPermit() {
        OutboundMessage typing = new OutboundMessage("r-typing", new ReplyRoute(Platform.TELEGRAM, "support",
                "-100123", "42", "77"), ReplyKind.TYPING, 0, "");

        assertThat(outbound.send(bot, typing)).isEqualTo(new DeliveryOutcome.Delivered(List.of()));

        RecordedCall action = telegram.calls("sendChatAction").get(0);
        assertThat(action.parameter("action")).isEqualTo("typing");
        assertThat(action.parameter("message_thread_id")).isEqualTo("42");
        assertThat(permits.asked).isEmpty();
        assertThat(telegram.calls("sendMessage")).isEmpty();
    }

    @Test
    void aStreamedAnswerIsPostedOnceThenEditedInPlaceAndFinishedWithTheFormattedText() {
        ReplyRoute route = new ReplyRoute(Platform.TELEGRAM, "support", "4242", null, "77");
        DeliveryOutcome first = outbound.send(bot,
                new OutboundMessage("r-stream", route, ReplyKind.CHUNK, 0, "The answer", List.of()));
        List<String> posted = ((DeliveryOutcome.Delivered) first).platformMessageIds();

        DeliveryOutcome second = outbound.send(bot,
                new OutboundMessage("r-stream", route, ReplyKind.CHUNK, 1, "The answer is", posted));
        DeliveryOutcome last = outbound.send(bot,
                new OutboundMessage("r-stream", route, ReplyKind.FINAL, 0, "The answer is **42**.", posted));

        assertThat(posted).hasSize(1);
        assertThat(second).isEqualTo(new DeliveryOutcome.Delivered(posted));
        assertThat(last).isEqualTo(new DeliveryOutcome.Delivered(posted));
        assertThat(telegram.calls("sendMessage")).hasSize(1);
        assertThat(telegram.calls("editMessageText")).hasSize(2);
        assertThat(telegram.messageText(TOKEN, "4242", Long.parseLong(posted.get(0))))
                .contains("The answer is <b>42</b>.");
    }

    @Test
    void aStreamedPieceThatFindsNoPermitIsSkippedBecauseTheNextOneCarriesItsText() {
        ReplyRoute route = new ReplyRoute(Platform.TELEGRAM, "support", "4242", null, "77");
        List<String> posted = ((DeliveryOutcome.Delivered) outbound.send(bot,
                new OutboundMessage("r-skip", route, ReplyKind.CHUNK, 0, "Thinking", List.of()))).platformMessageIds();
        permits.wait = Duration.ofMillis(400);

        DeliveryOutcome skipped = outbound.send(bot,
                new OutboundMessage("r-skip", route, ReplyKind.CHUNK, 1, "Thinking harder", posted));

        assertThat(skipped).isEqualTo(new DeliveryOutcome.Delivered(posted));
        assertThat(telegram.calls("editMessageText")).isEmpty();
    }
}
