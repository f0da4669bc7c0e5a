package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.SendPermits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import okhttp3.OkHttpClient;
import org.telegram.telegrambots.client.okhttp.OkHttpTelegramClient;
import org.telegram.telegrambots.meta.TelegramUrl;
import org.telegram.telegrambots.meta.api.methods.ActionType;
import org.telegram.telegrambots.meta.api.methods.ParseMode;
import org.telegram.telegrambots.meta.api.methods.send.SendChatAction;
import org.telegram.telegrambots.meta.api.methods.send.SendMessage;
import org.telegram.telegrambots.meta.api.methods.updatingmessages.EditMessageText;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.ReplyParameters;
import org.telegram.telegrambots.meta.exceptions.TelegramApiException;
import org.telegram.telegrambots.meta.exceptions.TelegramApiRequestException;
import org.telegram.telegrambots.meta.generics.TelegramClient;

/**
 * Sends a reply through the Bot API: rendered by {@link TelegramFormat} into chunks of at most 4096 characters, the
 * first one replying to the user's message (and staying in its forum topic). Before each message it takes a permit
 * from the send limits all hub nodes share: 1 message a second per chat, 20 a minute per group, 30 a second per
 * bot, as Telegram's FAQ states them. A 429 becomes "retry after {@code retry_after}" and a 5xx or an unreachable
 * server "retry later": never an error text posted into the chat; chunks already sent are not sent again.
 *
 * <p>A streamed answer ({@link ReplyKind#CHUNK}s with the text so far) is posted once and then edited in place, at
 * most as often as the chat's permit allows (a chunk that finds no permit is skipped: the next one carries its
 * text); the final reply is the last edit, with whatever does not fit in one message sent after it.
 * {@link ReplyKind#TYPING} is {@code sendChatAction typing}, which Telegram shows for five seconds.
 */
public final class TelegramOutbound {

    /** Telegram's FAQ: about one message a second in a chat, 20 a minute in a group, 30 a second in all. */
    static final SendPermits.Limit PER_BOT = new SendPermits.Limit("bot", 30, Duration.ofSeconds(1));

    /** A wait for a permit shorter than this is slept through; a longer one is handed back to the hub as a retry. */
    private static final Duration LONGEST_WAIT_IN_PLACE = Duration.ofSeconds(3);

    private final OkHttpClient http;
    private final TelegramFormat format;
    private final SendPermits permits;
    /** Per reply: how many chunks went out before a retry was asked for. Lost on restart (then resent). */
    private final Map<String, Integer> chunksSent = new ConcurrentHashMap<>();

    public TelegramOutbound(OkHttpClient http, TelegramFormat format, SendPermits permits) {
        this.http = http;
        this.format = format;
        this.permits = permits;
    }

    /** The buckets one message to this chat takes from. Group and supergroup ids are negative, users' positive. */
    static List<SendPermits.Limit> limitsFor(String chatId) {
        List<SendPermits.Limit> limits = new ArrayList<>(3);
        limits.add(new SendPermits.Limit("chat:" + chatId, 1, Duration.ofSeconds(1)));
        if (chatId.startsWith("-")) {
            limits.add(new SendPermits.Limit("group:" + chatId, 20, Duration.ofMinutes(1)));
        }
        limits.add(PER_BOT);
        return limits;
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
        try {
            return switch (message.kind()) {
                case TYPING -> typing(telegram, message);
                case CHUNK -> streamed(bot, telegram, message);
                case FINAL, ERROR -> message.streamedMessageIds().isEmpty()
                        ? chunks(bot, telegram, message, format.render(message.markdown()), 0, List.of())
                        : finishStream(bot, telegram, message);
            };
        } catch (TelegramApiRequestException e) {
            return outcomeOf(e, bot);
        } catch (TelegramApiException e) {
            return new DeliveryOutcome.RetryLater(null, TelegramRegistration.withoutSecrets(
                    TelegramRegistration.reason(e), bot));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater(null, "interrupted while waiting for a send permit");
        }
    }

    private static DeliveryOutcome typing(TelegramClient telegram, OutboundMessage message)
            throws TelegramApiException {
        SendChatAction action = SendChatAction.builder().chatId(message.route().chatId())
                .action(ActionType.TYPING.toString()).build();
        if (message.route().threadId() != null) {
            action.setMessageThreadId(Integer.valueOf(message.route().threadId()));
        }
        telegram.execute(action);
        return new DeliveryOutcome.Delivered(List.of());
    }

    /** A piece of a streamed answer: posted when it is the first, otherwise an edit, skipped without a permit. */
    private DeliveryOutcome streamed(BotProfile bot, TelegramClient telegram, OutboundMessage message)
            throws TelegramApiException, InterruptedException {
        // While streaming only the first message's worth is shown; the final reply sends the rest.
        String html = format.render(message.markdown()).get(0);
        if (message.streamedMessageIds().isEmpty()) {
            return chunks(bot, telegram, message, List.of(html), 0, List.of());
        }
        if (!permits.tryTake(bot.botId(), limitsFor(message.route().chatId())).isZero()) {
            return new DeliveryOutcome.Delivered(message.streamedMessageIds());
        }
        edit(telegram, message, message.streamedMessageIds().get(0), html);
        return new DeliveryOutcome.Delivered(message.streamedMessageIds());
    }

    /** The final text of a streamed answer: the posted message edited to the first chunk, the others sent after it. */
    private DeliveryOutcome finishStream(BotProfile bot, TelegramClient telegram, OutboundMessage message)
            throws TelegramApiException, InterruptedException {
        List<String> html = format.render(message.markdown());
        String progressKey = progressKey(bot, message);
        String first = message.streamedMessageIds().get(0);
        if (!chunksSent.containsKey(progressKey)) {
            DeliveryOutcome waited = awaitPermit(bot, message);
            if (waited != null) {
                return waited;
            }
            edit(telegram, message, first, html.get(0));
            chunksSent.put(progressKey, 1);
        }
        return chunks(bot, telegram, message, html, 1, List.of(first));
    }

    private DeliveryOutcome chunks(BotProfile bot, TelegramClient telegram, OutboundMessage message,
                                   List<String> chunks, int from, List<String> alreadySent)
            throws TelegramApiException, InterruptedException {
        String progressKey = progressKey(bot, message);
        List<String> sentIds = new ArrayList<>(alreadySent);
        for (int i = Math.max(from, chunksSent.getOrDefault(progressKey, 0)); i < chunks.size(); i++) {
            DeliveryOutcome waited = awaitPermit(bot, message);
            if (waited != null) {
                return waited;
            }
            try {
                Message sent = sendChunk(telegram, message, chunks.get(i), i == 0);
                sentIds.add(String.valueOf(sent.getMessageId()));
                chunksSent.put(progressKey, i + 1);
            } catch (TelegramApiRequestException e) {
                if (!(outcomeOf(e, bot) instanceof DeliveryOutcome.RetryLater)) {
                    chunksSent.remove(progressKey);
                }
                throw e;
            }
        }
        chunksSent.remove(progressKey);
        return new DeliveryOutcome.Delivered(sentIds);
    }

    /** {@code null} once a permit is taken; a short wait is slept through, a long one handed back as a retry. */
    private DeliveryOutcome awaitPermit(BotProfile bot, OutboundMessage message) throws InterruptedException {
        List<SendPermits.Limit> limits = limitsFor(message.route().chatId());
        Duration wait;
        while (!(wait = permits.tryTake(bot.botId(), limits)).isZero()) {
            if (wait.compareTo(LONGEST_WAIT_IN_PLACE) > 0) {
                return new DeliveryOutcome.RetryLater(wait, "Telegram's send limit for this chat or bot");
            }
            Thread.sleep(wait.toMillis() + 1);
        }
        return null;
    }

    private static String progressKey(BotProfile bot, OutboundMessage message) {
        return bot.botId() + ":" + message.requestId() + ":" + message.kind().id() + ":" + message.sequence();
    }

    private static DeliveryOutcome outcomeOf(TelegramApiRequestException e, BotProfile bot) {
        Integer code = e.getErrorCode();
        if (code != null && code == 429) {
            Integer after = e.getParameters() == null ? null : e.getParameters().getRetryAfter();
            return new DeliveryOutcome.RetryLater(after == null ? null : Duration.ofSeconds(after),
                    "429 from the Bot API");
        }
        String reason = TelegramRegistration.withoutSecrets(TelegramRegistration.reason(e), bot);
        return code == null || code >= 500 ? new DeliveryOutcome.RetryLater(null, reason)
                : new DeliveryOutcome.Failed(reason);
    }

    /** Edits a streamed message; "not modified" (the same text again) is no failure. */
    private static void edit(TelegramClient telegram, OutboundMessage message, String messageId, String html)
            throws TelegramApiException {
        EditMessageText edit = EditMessageText.builder().chatId(message.route().chatId())
                .messageId(Integer.valueOf(messageId)).text(html).parseMode(ParseMode.HTML).build();
        try {
            telegram.execute(edit);
        } catch (TelegramApiRequestException e) {
            String response = e.getApiResponse() == null ? "" : e.getApiResponse();
            if (e.getErrorCode() != null && e.getErrorCode() == 400 && response.contains("message is not modified")) {
                return;
            }
            if (e.getErrorCode() != null && e.getErrorCode() == 400 && response.contains("can't parse entities")) {
                edit.setParseMode(null);
                edit.setText(plainText(html));
                telegram.execute(edit);
                return;
            }
            throw e;
        }
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
