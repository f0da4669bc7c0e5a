package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Sends a reply through the Bot API's {@code sendMessage}: rendered by {@link TelegramFormat} into chunks of at most
 * 4096 characters, the first one replying to the user's message (and staying in its forum topic). A 429 becomes
 * "retry after {@code retry_after}" and a 5xx or an unreachable server "retry later" — never an error text posted
 * into the chat; chunks already sent are not sent again on the retry.
 */
public final class TelegramOutbound {

    private final OkHttpClient http;
    private final TelegramFormat format;
    /** Per reply: how many chunks went out before a retry was asked for. Lost on restart (then resent). */
    private final Map<String, Integer> chunksSent = new ConcurrentHashMap<>();

    public TelegramOutbound(OkHttpClient http, TelegramFormat format) {
        this.http = http;
        this.format = format;
    }

    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        String token = bot.credential(BOT_TOKEN);
        if (token == null || token.isBlank()) {
            return new DeliveryOutcome.Failed("the bot has no " + BOT_TOKEN);
        }
        Optional<TelegramUrl> botApi = TelegramRegistration.botApiUrl(bot.apiBaseUrl());
        if (botApi.isEmpty()) {
            return new DeliveryOutcome.Failed("the bot's apiBaseUrl is not scheme://host[:port]");
        }
        TelegramClient telegram = new OkHttpTelegramClient(http, token, botApi.get());
        List<String> chunks = format.render(message.markdown());
        String progressKey = bot.botId() + ":" + message.requestId() + ":" + message.kind().id() + ":"
                + message.sequence();
        List<String> sentIds = new ArrayList<>();
        for (int i = chunksSent.getOrDefault(progressKey, 0); i < chunks.size(); i++) {
            try {
                Message sent = sendChunk(telegram, message, chunks.get(i), i == 0);
                sentIds.add(String.valueOf(sent.getMessageId()));
                chunksSent.put(progressKey, i + 1);
            } catch (TelegramApiRequestException e) {
                Integer code = e.getErrorCode();
                if (code != null && code == 429) {
                    Integer after = e.getParameters() == null ? null : e.getParameters().getRetryAfter();
                    return new DeliveryOutcome.RetryLater(after == null ? null : Duration.ofSeconds(after),
                            "429 from the Bot API");
                }
                if (code == null || code >= 500) {
                    return new DeliveryOutcome.RetryLater(null, TelegramRegistration.withoutSecrets(
                            TelegramRegistration.reason(e), bot));
                }
                chunksSent.remove(progressKey);
                return new DeliveryOutcome.Failed(TelegramRegistration.withoutSecrets(TelegramRegistration.reason(e), bot));
            } catch (TelegramApiException e) {
                return new DeliveryOutcome.RetryLater(null, TelegramRegistration.withoutSecrets(
                        TelegramRegistration.reason(e), bot));
            }
        }
        chunksSent.remove(progressKey);
        return new DeliveryOutcome.Delivered(sentIds);
    }

    /**
     * Sends one chunk as HTML. Should Telegram still refuse the markup ("can't parse entities"), the user gets the
     * same text without formatting rather than nothing.
     */
    private static Message sendChunk(TelegramClient telegram, OutboundMessage message, String html, boolean first)
            throws TelegramApiException {
        try {
            return telegram.execute(request(message, html, true, first));
        } catch (TelegramApiRequestException e) {
            String response = e.getApiResponse() == null ? "" : e.getApiResponse();
            if (e.getErrorCode() != null && e.getErrorCode() == 400 && response.contains("can't parse entities")) {
                return telegram.execute(request(message, plainText(html), false, first));
            }
            throw e;
        }
    }

    /** The visible text of a chunk of Parley's own Telegram HTML: tags dropped, the four entities decoded. */
    static String plainText(String html) {
        return html.replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }

    private static SendMessage request(OutboundMessage message, String text, boolean html, boolean first) {
        SendMessage.SendMessageBuilder<?, ?> send = SendMessage.builder()
                .chatId(message.route().chatId())
                .text(text);
        if (html) {
            send.parseMode(ParseMode.HTML);
        }
        if (message.route().threadId() != null) {
            send.messageThreadId(Integer.valueOf(message.route().threadId()));
        }
        if (first && message.route().replyToMessageId() != null) {
            // If the user deleted their message meanwhile, answer anyway rather than fail.
            send.replyParameters(ReplyParameters.builder()
                    .messageId(Integer.valueOf(message.route().replyToMessageId()))
                    .allowSendingWithoutReply(true).build());
        }
        return send.build();
    }
}
