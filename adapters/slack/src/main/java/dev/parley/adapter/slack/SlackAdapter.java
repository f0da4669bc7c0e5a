package dev.parley.adapter.slack;

import static dev.parley.adapter.slack.SlackCredentials.BOT_TOKEN;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.auth.AuthTestResponse;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.PlatformAdapter;
import dev.parley.contract.spi.SendPermits;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slack on the adapter SPI: its inbound room (Events API webhook calls) and its outbound room put together, plus the
 * bot's own user id (from {@code auth.test}, asked once per token) that mentions and the bot's own messages are
 * recognised by. Not built yet: Socket Mode, which will make this an {@code InboundListener} like Telegram's polling.
 */
public final class SlackAdapter implements PlatformAdapter {

    private final SlackWebApi slack = new SlackWebApi();
    private final SlackInbound inbound;
    private final SlackOutbound outbound;
    private final Map<String, String> botUserIds = new ConcurrentHashMap<>();

    public SlackAdapter(ObjectMapper json, Clock clock, SendPermits permits) {
        this.inbound = new SlackInbound(json, clock);
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
