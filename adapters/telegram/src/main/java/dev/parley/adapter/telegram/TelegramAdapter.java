package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import dev.parley.contract.spi.PlatformAdapter;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Telegram on the adapter SPI: its inbound and outbound rooms put together, plus the bot's username (from
 * {@code getMe}, asked once per token) that group mentions are recognised by.
 */
public final class TelegramAdapter implements PlatformAdapter {

    private final OkHttpClient http = new OkHttpClient();
    private final TelegramInbound inbound;
    private final TelegramOutbound outbound;
    private final Map<String, String> usernames = new ConcurrentHashMap<>();

    public TelegramAdapter(ObjectMapper json, Clock clock) {
        this.inbound = new TelegramInbound(json, clock);
        this.outbound = new TelegramOutbound(http, new TelegramFormat());
    }

    @Override
    public Platform platform() {
        return Platform.TELEGRAM;
    }

    @Override
    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        return inbound.receive(withUsername(bot), payload);
    }

    @Override
    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        return outbound.send(bot, message);
    }

    private BotProfile withUsername(BotProfile bot) {
        String token = bot.credential(BOT_TOKEN);
        if (token == null || bot.credential(TelegramInbound.BOT_USERNAME_ATTRIBUTE) != null) {
            return bot;
        }
        String username = usernames.computeIfAbsent(token, t -> username(bot, t).orElse(null));
        if (username == null) {
            return bot; // unknown until getMe answers: group mentions are then recognised by replies only
        }
        Map<String, String> credentials = new HashMap<>(bot.credentials());
        credentials.put(TelegramInbound.BOT_USERNAME_ATTRIBUTE, username);
        return new BotProfile(bot.botId(), bot.platform(), bot.displayName(), credentials, bot.apiBaseUrl());
    }

    private Optional<String> username(BotProfile bot, String token) {
        Optional<TelegramUrl> botApi = TelegramRegistration.botApiUrl(bot.apiBaseUrl());
        if (botApi.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(new OkHttpTelegramClient(http, token, botApi.get()).execute(new GetMe())
                    .getUserName());
        } catch (TelegramApiException e) {
            return Optional.empty();
        }
    }
}
