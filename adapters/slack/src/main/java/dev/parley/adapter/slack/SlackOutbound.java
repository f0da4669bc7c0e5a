package dev.parley.adapter.slack;

import static dev.parley.adapter.slack.SlackCredentials.BOT_TOKEN;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.parley.contract.OutboundMessage;
import dev.parley.contract.ReplyKind;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.SendPermits;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a reply through the Web API's {@code chat.postMessage}: rendered by {@link SlackFormat} into mrkdwn chunks of
 * at most 4,000 characters, posted into the route's thread ({@link SlackInbound} gives every channel question the
 * thread it starts; a direct message is answered in the DM unless it was asked in a thread). Slack has no reply-to:
 * the route's {@code replyToMessageId} is not used. Before each message it takes a permit from the send limits all hub
 * nodes share: one message a second per conversation, as Slack's rate limits page states it (Slack's workspace-wide
 * limit is unpublished; its 429 covers it).
 *
 * <p>A 429 becomes "retry after {@code Retry-After}", a 5xx, an unreachable server or one of Slack's transient error
 * codes "retry later" — never an error text posted into the chat; every other error code fails the reply with that
 * code. Chunks already sent are not sent again on the retry.
 *
 * <p>A streamed answer ({@link ReplyKind#CHUNK}s with the text so far) is posted once and then edited in place with
 * {@code chat.update}, at most as often as the conversation's permit allows (a chunk that finds no permit is skipped:
 * the next one carries its text); the final reply is the last edit, with whatever does not fit in one message posted
 * after it in the thread. {@code chat.update} errors are classified like {@code chat.postMessage} ones. Slack's Web API
 * has no typing indicator for bots, so {@link ReplyKind#TYPING} is acknowledged without posting.
 */
public final class SlackOutbound {

    /**
     * Error codes Slack answers with HTTP 200 that go away by themselves (api.slack.com/methods/chat.postMessage);
     * every other code ({@code channel_not_found}, {@code not_in_channel}, {@code is_archived}, {@code invalid_auth},
     * {@code token_revoked}, {@code msg_too_long} …) needs a person to act.
     */
    public static final Set<String> TRANSIENT_ERRORS = Set.of("ratelimited", "rate_limited", "service_unavailable",
            "internal_error", "fatal_error", "request_timeout");

    /** A wait for a permit shorter than this is slept through; a longer one is handed back to the hub as a retry. */
    private static final Duration LONGEST_WAIT_IN_PLACE = Duration.ofSeconds(3);

    private final SlackWebApi slack;
    private final SlackFormat format;
    private final SendPermits permits;
    /** Per reply: how many chunks went out before a retry was asked for. Lost on restart (then resent). */
    private final Map<String, Integer> chunksSent = new ConcurrentHashMap<>();

    SlackOutbound(SlackWebApi slack, SlackFormat format, SendPermits permits) {
        this.slack = slack;
        this.format = format;
        this.permits = permits;
    }

    /** The bucket one message to this conversation takes from: Slack's one message a second per channel. */
    static List<SendPermits.Limit> limitsFor(String channel) {
        return List.of(new SendPermits.Limit("channel:" + channel, 1, Duration.ofSeconds(1)));
    }

    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        if (message.kind() == ReplyKind.TYPING) {
            return new DeliveryOutcome.Delivered(List.of());
        }
        String token = bot.credential(BOT_TOKEN);
        if (token == null || token.isBlank()) {
            return new DeliveryOutcome.Failed("the bot has no " + BOT_TOKEN);
        }
        MethodsClient methods;
        try {
            methods = slack.of(bot).methods(token);
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome.Failed("the bot's apiBaseUrl is not a usable URL");
        }
        try {
            return switch (message.kind()) {
                case TYPING -> new DeliveryOutcome.Delivered(List.of());
                case CHUNK -> streamed(methods, bot, message);
                case FINAL, ERROR -> message.streamedMessageIds().isEmpty()
                        ? chunks(methods, bot, message, format.render(message.markdown()), 0, List.of())
                        : finishStream(methods, bot, message);
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater(null, "interrupted while waiting for a send permit");
        }
    }

    /** A piece of a streamed answer: posted when it is the first, otherwise an update, skipped without a permit. */
    private DeliveryOutcome streamed(MethodsClient methods, BotProfile bot, OutboundMessage message)
            throws InterruptedException {
        // While streaming only the first message's worth is shown; the final reply posts the rest.
        List<String> rendered = format.render(message.markdown());
        if (rendered.isEmpty()) {
            // Nothing visible yet (Slack refuses empty text): the next piece carries the text.
            return new DeliveryOutcome.Delivered(message.streamedMessageIds());
        }
        String mrkdwn = rendered.get(0);
        if (message.streamedMessageIds().isEmpty()) {
            return chunks(methods, bot, message, List.of(mrkdwn), 0, List.of());
        }
        if (!permits.tryTake(bot.botId(), limitsFor(message.route().chatId())).isZero()) {
            return new DeliveryOutcome.Delivered(message.streamedMessageIds());
        }
        DeliveryOutcome refused = update(methods, bot, message, message.streamedMessageIds().get(0), mrkdwn);
        return refused != null ? refused : new DeliveryOutcome.Delivered(message.streamedMessageIds());
    }

    /** The final text of a streamed answer: the posted message updated to the first chunk, the others posted after. */
    private DeliveryOutcome finishStream(MethodsClient methods, BotProfile bot, OutboundMessage message)
            throws InterruptedException {
        List<String> mrkdwn = format.render(message.markdown());
        String first = message.streamedMessageIds().get(0);
        if (mrkdwn.isEmpty()) {
            // Nothing visible to show (Slack refuses empty text): the streamed message stays as it is.
            return new DeliveryOutcome.Delivered(List.of(first));
        }
        String progressKey = progressKey(bot, message);
        if (!chunksSent.containsKey(progressKey)) {
            DeliveryOutcome refused = awaitPermit(bot, message);
            if (refused == null) {
                refused = update(methods, bot, message, first, mrkdwn.get(0));
            }
            if (refused != null) {
                return refused;
            }
            chunksSent.put(progressKey, 1);
        }
        return chunks(methods, bot, message, mrkdwn, 1, List.of(first));
    }

    /**
     * Posts {@code chunks} from index {@code from} on, or from where an earlier attempt of this reply stopped;
     * {@code alreadySent} are the ts of messages that come before them in the answer.
     */
    private DeliveryOutcome chunks(MethodsClient methods, BotProfile bot, OutboundMessage message,
                                   List<String> chunks, int from, List<String> alreadySent)
            throws InterruptedException {
        String progressKey = progressKey(bot, message);
        List<String> sentTs = new ArrayList<>(alreadySent);
        for (int i = Math.max(from, chunksSent.getOrDefault(progressKey, 0)); i < chunks.size(); i++) {
            DeliveryOutcome refused = awaitPermit(bot, message);
            if (refused == null) {
                refused = post(methods, bot, message, chunks.get(i), sentTs);
            }
            if (refused != null) {
                if (refused instanceof DeliveryOutcome.Failed) {
                    chunksSent.remove(progressKey);
                }
                return refused;
            }
            chunksSent.put(progressKey, i + 1);
        }
        chunksSent.remove(progressKey);
        return new DeliveryOutcome.Delivered(sentTs);
    }

    /** Posts one chunk into the thread; {@code null} once it is in the conversation, its {@code ts} in sentTs. */
    private static DeliveryOutcome post(MethodsClient methods, BotProfile bot, OutboundMessage message, String chunk,
                                        List<String> sentTs) {
        return refusalOf(bot, () -> {
            ChatPostMessageResponse sent = methods.chatPostMessage(request -> request
                    .channel(message.route().chatId())
                    .threadTs(message.route().threadId())
                    .text(chunk)
                    .mrkdwn(true));
            if (sent.isOk()) {
                sentTs.add(sent.getTs());
            }
            return sent;
        });
    }

    /** Replaces the text of a message the bot posted; {@code null} once Slack took it. */
    private static DeliveryOutcome update(MethodsClient methods, BotProfile bot, OutboundMessage message, String ts,
                                          String chunk) {
        return refusalOf(bot, () -> methods.chatUpdate(request -> request
                .channel(message.route().chatId())
                .ts(ts)
                .text(chunk)));
    }

    /** One Web API call, as the SDK makes it. */
    @FunctionalInterface
    private interface WebApiCall {
        SlackApiTextResponse call() throws IOException, SlackApiException;
    }

    /** Makes the call; {@code null} when Slack answered ok, else what its refusal means for the reply. */
    private static DeliveryOutcome refusalOf(BotProfile bot, WebApiCall call) {
        SlackApiTextResponse answer;
        try {
            answer = call.call();
        } catch (SlackApiException e) {
            int status = e.getResponse().code();
            if (status == 429) {
                return new DeliveryOutcome.RetryLater(retryAfter(e.getResponse().header("Retry-After")),
                        "429 from the Slack Web API");
            }
            String reason = SlackWebApi.withoutSecrets(SlackWebApi.error(e), bot);
            return status >= 500 ? new DeliveryOutcome.RetryLater(null, reason) : new DeliveryOutcome.Failed(reason);
        } catch (IOException e) {
            return new DeliveryOutcome.RetryLater(null, SlackWebApi.withoutSecrets(SlackWebApi.unreachable(e), bot));
        } catch (IllegalArgumentException e) {
            return new DeliveryOutcome.Failed("the bot's apiBaseUrl is not a usable URL");
        }
        if (!answer.isOk()) {
            String code = answer.getError() == null ? "Slack answered ok=false without an error code"
                    : answer.getError();
            String reason = SlackWebApi.withoutSecrets(code, bot);
            return TRANSIENT_ERRORS.contains(code) ? new DeliveryOutcome.RetryLater(null, reason)
                    : new DeliveryOutcome.Failed(reason);
        }
        return null;
    }

    /** {@code null} once a permit is taken; a short wait is slept through, a long one handed back as a retry. */
    private DeliveryOutcome awaitPermit(BotProfile bot, OutboundMessage message) throws InterruptedException {
        List<SendPermits.Limit> limits = limitsFor(message.route().chatId());
        Duration wait;
        while (!(wait = permits.tryTake(bot.botId(), limits)).isZero()) {
            if (wait.compareTo(LONGEST_WAIT_IN_PLACE) > 0) {
                return new DeliveryOutcome.RetryLater(wait, "Slack's send limit for this conversation");
            }
            Thread.sleep(wait.toMillis() + 1);
        }
        return null;
    }

    private static String progressKey(BotProfile bot, OutboundMessage message) {
        return bot.botId() + ":" + message.requestId() + ":" + message.kind().id() + ":" + message.sequence();
    }

    /** {@code Retry-After} is whole seconds; anything else leaves the delay to the hub's retry policy. */
    private static Duration retryAfter(String header) {
        if (header == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.strip());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
