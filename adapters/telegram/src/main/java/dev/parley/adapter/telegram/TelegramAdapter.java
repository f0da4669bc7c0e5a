package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.GetMe;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;

/**
 * Telegram on the adapter SPI: its inbound rooms (webhook calls, and long polling for bots without a registered
 * webhook) and its outbound room put together, plus the bot's username (from {@code getMe}, asked once per token)
 * that group mentions are recognised by.
 */
public final class TelegramAdapter implements PlatformAdapter, InboundListener {

    private final OkHttpClient http = new OkHttpClient();
    private final TelegramInbound inbound;
    private final TelegramPolling polling;
    private final TelegramOutbound outbound;
    private final Map<String, String> usernames = new ConcurrentHashMap<>();

    public TelegramAdapter(ObjectMapper json, Clock clock, SendPermits permits) {
        this.inbound = new TelegramInbound(json, clock);
        this.polling = new TelegramPolling(json, inbound, http);
        this.outbound = new TelegramOutbound(http, new TelegramFormat(), permits);
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
    public boolean listensFor(BotProfile bot) {
        return TelegramPolling.listensFor(bot);
    }

    @Override
    public void listen(BotProfile bot, InboundSink sink, BooleanSupplier keepListening) throws Exception {
        polling.listen(withUsername(bot), sink, keepListening);
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
        return bot.with(TelegramInbound.BOT_USERNAME_ATTRIBUTE, username);
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
