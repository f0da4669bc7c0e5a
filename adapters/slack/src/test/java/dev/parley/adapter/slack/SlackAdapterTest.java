package dev.parley.adapter.slack;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.ContractJson;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.ReplyRoute;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.SendPermits;
import dev.parley.simulators.SlackWebApiServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The rooms put together: the bot's own user id learnt from {@code auth.test}, once per token. */
class SlackAdapterTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final String TOKEN = "xoxb-1111-2222-adapter-test";
    private static final String SECRET = "adapter-test-signing-secret";
    private static final String BOT_USER = "U0HELPER";

    private final SlackWebApiServer slack = SlackWebApiServer.start();
    private final ObjectMapper json = ContractJson.newMapper();
    private final SlackAdapter adapter = new SlackAdapter(json, Clock.fixed(NOW, ZoneOffset.UTC), SendPermits.UNLIMITED);

    {
        slack.registerBot(TOKEN, new SlackWebApiServer.BotUser("T0PARLEY", "Parley Support", BOT_USER, "helpdesk",
                "B0HELPER"));
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private BotProfile bot(String token) {
        return new BotProfile("helpdesk", Platform.SLACK, "Helpdesk",
                Map.of(SlackCredentials.BOT_TOKEN, token, SlackCredentials.SIGNING_SECRET, SECRET), slack.baseUrl());
    }

    /** The DM fixture as the bot of this test would receive it: no authorizations, so only auth.test names the bot. */
    private String directMessage(String user, String text) {
        try (InputStream in = getClass().getResourceAsStream("/fixtures/slack/message-im.json")) {
            ObjectNode envelope = (ObjectNode) json.readTree(in);
            envelope.remove("authorizations");
            ((ObjectNode) envelope.get("event")).put("user", user).put("text", text);
            return json.writeValueAsString(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private InboundOutcome receive(BotProfile bot, String body) {
        String timestamp = Long.toString(NOW.getEpochSecond());
        Map<String, List<String>> headers = Map.of(SlackInbound.TIMESTAMP_HEADER, List.of(timestamp),
                SlackInbound.SIGNATURE_HEADER, List.of(SlackInbound.signature(SECRET, timestamp, body.getBytes(UTF_8))));
        return adapter.receive(bot, new InboundPayload(headers, Map.of(), body.getBytes(UTF_8), null));
    }

    @Test
    void theBotUserIdFromAuthTestStripsMentionsAndRecognisesTheBotsOwnMessages() {
        InboundOutcome question = receive(bot(TOKEN), directMessage("U043H11ES4V", "<@U0HELPER> what is Parley?"));
        InboundOutcome ownEcho = receive(bot(TOKEN), directMessage(BOT_USER, "Parley is a hub."));

        assertThat(((InboundOutcome.Accepted) question).messages()).singleElement()
                .satisfies(message -> assertThat(message.text()).isEqualTo("what is Parley?"));
        assertThat(ownEcho).isEqualTo(new InboundOutcome.Accepted(List.of()));
        assertThat(slack.calls("auth.test")).as("asked once per token").hasSize(1);
    }

    @Test
    void aBotUserIdTheHubPassesIsUsedWithoutAskingSlack() {
        BotProfile known = bot(TOKEN).with(SlackInbound.BOT_USER_ID_ATTRIBUTE, "U0OTHER");

        InboundOutcome outcome = receive(known, directMessage("U043H11ES4V", "<@U0OTHER> hi"));

        assertThat(((InboundOutcome.Accepted) outcome).messages().getFirst().text()).isEqualTo("hi");
        assertThat(slack.calls("auth.test")).isEmpty();
    }

    @Test
    void withoutAnAnswerFromAuthTestEventsAreStillReadAndItIsAskedAgainLater() {
        BotProfile unknown = bot("xoxb-not-registered");

        InboundOutcome outcome = receive(unknown, directMessage("U043H11ES4V", "hello"));
        receive(unknown, directMessage("U043H11ES4V", "hello again"));

        assertThat(((InboundOutcome.Accepted) outcome).messages()).hasSize(1);
        assertThat(slack.calls("auth.test")).hasSize(2);
    }

    @Test
    void repliesGoOutThroughTheWebApi() {
        DeliveryOutcome outcome = adapter.send(bot(TOKEN), new OutboundMessage("r1",
                new ReplyRoute(Platform.SLACK, "helpdesk", "D0442US94JD", null, "1.000001"),
                ReplyKind.FINAL, 0, "_Parley_ answers"));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(slack.calls("chat.postMessage").getFirst().parameter("text")).isEqualTo("_Parley_ answers");
        assertThat(adapter.platform()).isEqualTo(Platform.SLACK);
    }
}
