package dev.parley.adapter.slack;

import static dev.parley.adapter.slack.SlackCredentials.BOT_TOKEN;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.auth.AuthTestResponse;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.InboundListener;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.InboundSink;
import dev.parley.contract.spi.PlatformAdapter;
import dev.parley.contract.spi.SendPermits;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Slack on the adapter SPI: its inbound rooms (Events API webhook calls, and Socket Mode for apps with an app-level
 * token) and its outbound room put together, plus the bot's own user id (from {@code auth.test}, asked once per
 * token) that mentions and the bot's own messages are recognised by.
 */
public final class SlackAdapter implements PlatformAdapter, InboundListener {

    private final SlackWebApi slack = new SlackWebApi();
    private final SlackInbound inbound;
    private final SlackSocketMode socketMode;
    private final SlackOutbound outbound;
    private final Map<String, String> botUserIds = new ConcurrentHashMap<>();

    public SlackAdapter(ObjectMapper json, Clock clock, SendPermits permits) {
        this.inbound = new SlackInbound(json, clock);
        this.socketMode = new SlackSocketMode(json, inbound, slack);
        this.outbound = new SlackOutbound(slack, new SlackFormat(), permits);
    }

    @Override
    public Platform platform() {
        return Platform.SLACK;
    }

    @Override
    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        return inbound.receive(withBotUserId(bot), payload);
    }

    @Override
    public boolean listensFor(BotProfile bot) {
        return SlackSocketMode.listensFor(bot);
    }

    @Override
    public void listen(BotProfile bot, InboundSink sink, BooleanSupplier keepListening) throws Exception {
        socketMode.listen(withBotUserId(bot), sink, keepListening);
    }

    @Override
    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        return outbound.send(bot, message);
    }

    private BotProfile withBotUserId(BotProfile bot) {
        String token = bot.credential(BOT_TOKEN);
        if (token == null || bot.credential(SlackInbound.BOT_USER_ID_ATTRIBUTE) != null) {
            return bot;
        }
        String userId = botUserIds.computeIfAbsent(token, t -> botUserId(bot, t).orElse(null));
        if (userId == null) {
            return bot; // unknown until auth.test answers: the event's authorizations stand in meanwhile
        }
        return bot.with(SlackInbound.BOT_USER_ID_ATTRIBUTE, userId);
    }

    private Optional<String> botUserId(BotProfile bot, String token) {
        try {
            AuthTestResponse auth = slack.of(bot).methods(token).authTest(request -> request);
            return auth.isOk() ? Optional.ofNullable(auth.getUserId()) : Optional.empty();
        } catch (SlackApiException | IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
