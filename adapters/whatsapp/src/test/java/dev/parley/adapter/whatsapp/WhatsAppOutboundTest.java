package dev.parley.adapter.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.SendPermits;
import dev.parley.simulators.WhatsAppGraphApiServer;
import dev.parley.simulators.WhatsAppGraphApiServer.GraphError;
import dev.parley.simulators.WhatsAppGraphApiServer.SentMessage;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sending through the adapter's Graph client to a local server that answers like Meta's Cloud API. */
class WhatsAppOutboundTest {

    private static final String TOKEN = "EAAJB-outbound-test-token";
    private static final String NUMBER = "106540352242922";
    private static final String USER = "16315551234";
    private WhatsAppGraphApiServer graph;
    private BotProfile bot;
    private final ScriptedPermits permits = new ScriptedPermits();
    private final WhatsAppOutbound outbound = new WhatsAppOutbound(
            new WhatsAppGraphApi(HttpClient.newHttpClient(), new ObjectMapper()), new WhatsAppFormat(), permits);

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
        graph = WhatsAppGraphApiServer.start();
        graph.registerNumber(NUMBER, TOKEN);
        bot = new BotProfile("shop", Platform.WHATSAPP, "Shop", Map.of(WhatsAppCredentials.ACCESS_TOKEN, TOKEN,
                WhatsAppCredentials.PHONE_NUMBER_ID, NUMBER, WhatsAppCredentials.GRAPH_VERSION, "v21.0"),
                graph.baseUrl());
    }

    @AfterEach
    void stop() {
        graph.close();
    }

    private static OutboundMessage reply(String markdown) {
        return new OutboundMessage("r-" + markdown.hashCode(), new ReplyRoute(Platform.WHATSAPP, "shop", USER, null,
                "wamid.USER1"), ReplyKind.FINAL, 0, markdown);
    }

    @Test
    void aReplyIsSentAsWhatsAppTextQuotingTheUsersMessage() {
        DeliveryOutcome outcome = outbound.send(bot, reply("**Hi** _there_ & <you>"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        SentMessage sent = graph.sentMessages(NUMBER).get(0);
        assertThat(sent.to()).isEqualTo(USER);
        assertThat(sent.text()).isEqualTo("*Hi* _there_ & <you>");
        assertThat(sent.contextMessageId()).isEqualTo("wamid.USER1");
        assertThat(((DeliveryOutcome.Delivered) outcome).platformMessageIds()).containsExactly(sent.wamid());
    }

    @Test
    void aLongReplyGoesOutInSeveralTextsAndOnlyTheFirstQuotesTheUser() {
        String markdown = ("word ".repeat(300) + "\n\n").repeat(4); // about 6,000 characters

        DeliveryOutcome outcome = outbound.send(bot, reply(markdown));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        List<SentMessage> sent = graph.sentMessages(NUMBER);
        assertThat(sent).hasSize(2);
        assertThat(sent).allSatisfy(m -> assertThat(m.text().length()).isLessThanOrEqualTo(4096));
        assertThat(sent.get(0).contextMessageId()).isEqualTo("wamid.USER1");
        assertThat(sent.get(1).contextMessageId()).isNull();
        assertThat(permits.asked).hasSize(2).allSatisfy(limits -> assertThat(limits)
                .isEqualTo(WhatsAppOutbound.limitsFor(NUMBER, USER)));
    }

    @Test
    void typingMarksTheUsersMessageReadWithTheIndicatorAndStreamedPiecesAreNotSent() {
        OutboundMessage typing = new OutboundMessage("r-typing", reply("").route(), ReplyKind.TYPING, 0, "");
        OutboundMessage piece = new OutboundMessage("r-typing", reply("").route(), ReplyKind.CHUNK, 0, "Hel");

        assertThat(outbound.send(bot, typing)).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(outbound.send(bot, piece)).isEqualTo(new DeliveryOutcome.Delivered(List.of()));

        assertThat(graph.readReceipts()).singleElement().satisfies(receipt -> {
            assertThat(receipt.messageId()).isEqualTo("wamid.USER1");
            assertThat(receipt.typing()).isTrue();
        });
        assertThat(graph.sentMessages()).isEmpty();
    }

    @Test
    void throughputAndPairLimitsAreRetriedLater() {
        graph.refuseNext(NUMBER, GraphError.throughputReached());
        graph.refuseNext(NUMBER, GraphError.pairRateLimitHit());

        assertThat(outbound.send(bot, reply("one"))).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(outbound.send(bot, reply("one"))).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(outbound.send(bot, reply("one"))).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(graph.sentMessages()).hasSize(1);
    }

    @Test
    void outsideTheCustomerServiceWindowFailsWithItsCodeAndIsNotRetried() {
        graph.refuseNext(NUMBER, GraphError.reEngagementMessage());

        DeliveryOutcome outcome = outbound.send(bot, reply("late answer"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo("131047");
            assertThat(failed.reason()).contains("24-hour").doesNotContain(TOKEN);
        });
        assertThat(graph.sentMessages()).isEmpty();
    }

    @Test
    void anExpiredOrWrongTokenIsReportedAsRejectedCredentialsWithoutTheToken() {
        graph.expireToken(TOKEN);

        DeliveryOutcome expired = outbound.send(bot, reply("hello"));
        DeliveryOutcome wrong = outbound.send(bot.with(WhatsAppCredentials.ACCESS_TOKEN, "EAA-not-a-token"),
                reply("hello"));

        assertThat(expired).isInstanceOfSatisfying(DeliveryOutcome.CredentialsRejected.class,
                rejected -> assertThat(rejected.reason()).contains("190").doesNotContain(TOKEN));
        assertThat(wrong).isInstanceOf(DeliveryOutcome.CredentialsRejected.class);
    }

    @Test
    void meta5xxAndAnUnreachableGraphAreRetriedLater() {
        graph.refuseNext(NUMBER, GraphError.somethingWentWrong());
        assertThat(outbound.send(bot, reply("x"))).isInstanceOf(DeliveryOutcome.RetryLater.class);

        graph.close();
        assertThat(outbound.send(bot, reply("x"))).isInstanceOf(DeliveryOutcome.RetryLater.class);
    }

    @Test
    void aLongWaitForAPermitIsHandedBackAsARetryWithoutSending() {
        permits.wait = Duration.ofSeconds(30);

        DeliveryOutcome outcome = outbound.send(bot, reply("hello"));

        assertThat(outcome).isInstanceOfSatisfying(DeliveryOutcome.RetryLater.class,
                later -> assertThat(later.after()).isEqualTo(Duration.ofSeconds(30)));
        assertThat(graph.sentMessages()).isEmpty();
    }

    @Test
    void aPartlySentReplyResumesAfterTheTextsAlreadySent() {
        String markdown = "first ".repeat(500) + "\n\n" + "second ".repeat(500); // two texts
        graph.throughputLimit(1); // the first text passes, the second gets 130429

        assertThat(outbound.send(bot, reply(markdown))).isInstanceOf(DeliveryOutcome.RetryLater.class);
        graph.throughputLimit(80);
        assertThat(outbound.send(bot, reply(markdown))).isInstanceOf(DeliveryOutcome.Delivered.class);

        List<SentMessage> sent = graph.sentMessages();
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0).text()).isNotEqualTo(sent.get(1).text());
        assertThat(sent.get(1).contextMessageId()).isNull();
    }

    @Test
    void aBotWithoutAUsableGraphVersionFailsWithoutCallingMeta() {
        DeliveryOutcome outcome = outbound.send(bot.with(WhatsAppCredentials.GRAPH_VERSION, "latest"), reply("x"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Failed.class);
        assertThat(graph.calls()).isEmpty();
    }
}
