package dev.parley.adapter.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.simulators.RecordedCall;
import dev.parley.simulators.TelegramBotApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sending through the real telegrambots client to a local server that answers like the Bot API. */
class TelegramOutboundTest {

    private static final String TOKEN = "123456:AAH-outbound-test-token";
    private TelegramBotApiServer telegram;
    private BotProfile bot;
    private final TelegramOutbound outbound = new TelegramOutbound(new OkHttpClient(), new TelegramFormat());

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
}
