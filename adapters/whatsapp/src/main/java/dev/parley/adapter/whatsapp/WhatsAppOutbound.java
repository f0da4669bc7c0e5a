package dev.parley.adapter.whatsapp;

import static dev.parley.adapter.whatsapp.WhatsAppCredentials.ACCESS_TOKEN;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.PHONE_NUMBER_ID;

import dev.parley.contract.OutboundMessage;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryOutcome;
import dev.parley.contract.spi.SendPermits;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a reply through the Cloud API's {@code POST /{phone-number-id}/messages}: rendered by {@link WhatsAppFormat}
 * into texts under 4,096 characters, the first one quoting the user's message ({@code context.message_id}).
 *
 * <p>Before each message it takes permits from the limits all hub nodes share: Meta's default throughput of 80
 * messages a second per business number (error 130429 beyond it) and the pair rate limit per recipient (about one
 * message every 6 seconds on average, error 131056), here 10 a minute so that a reply split in two still goes out
 * at once. Meta's errors are classified from the Graph error object:
 * <ul>
 *   <li>rate limits (130429, 131056, 4, 80007), Meta's transient errors (1, 2, 131000, 131016) and 5xx: retry later,
 *       after {@code Retry-After} when given;</li>
 *   <li>131047, outside the 24-hour customer-service window (only templates may be sent): failed with the code, so
 *       the hub records it and the admin sees it; not retried, because only the user writing again reopens it;</li>
 *   <li>190 (token invalid or expired), 102, 10 and 200 (no permission), or HTTP 401: the credentials are
 *       rejected, and the hub marks the bot as needing new ones;</li>
 *   <li>anything else: failed with Meta's code and message.</li>
 * </ul>
 * Nothing about Parley's own failures is ever posted to the user.
 *
 * <p>{@code TYPING} marks the user's message read and shows the typing indicator (Meta shows it for up to 25
 * seconds or until the reply). WhatsApp cannot edit a sent message, so {@code CHUNK}s of a streamed answer are not
 * sent: the final reply is.
 */
public final class WhatsAppOutbound {

    /** Meta's default throughput per business phone number. */
    static final int MESSAGES_PER_SECOND_PER_NUMBER = 80;

    private static final Set<Integer> RETRYABLE = Set.of(1, 2, 4, 80007, 130429, 131000, 131016, 131056);
    private static final int OUTSIDE_WINDOW = 131047;
    /** 190 invalid or expired token, 102 session expired, 10 and 200 a token without the messaging permission. */
    private static final Set<Integer> CREDENTIAL_ERRORS = Set.of(10, 102, 190, 200);
    private static final Duration LONGEST_WAIT_IN_PLACE = Duration.ofSeconds(3);

    private final WhatsAppGraphApi graph;
    private final WhatsAppFormat format;
    private final SendPermits permits;
    /** Per reply: how many texts went out before a retry was asked for. Lost on restart (then resent). */
    private final Map<String, Integer> textsSent = new ConcurrentHashMap<>();

    public WhatsAppOutbound(WhatsAppGraphApi graph, WhatsAppFormat format, SendPermits permits) {
        this.graph = graph;
        this.format = format;
        this.permits = permits;
    }

    /** The buckets one message to this recipient from this number takes from. */
    static List<SendPermits.Limit> limitsFor(String phoneNumberId, String recipient) {
        return List.of(
                new SendPermits.Limit("number:" + phoneNumberId, MESSAGES_PER_SECOND_PER_NUMBER, Duration.ofSeconds(1)),
                new SendPermits.Limit("recipient:" + recipient, 10, Duration.ofMinutes(1)));
    }

    public DeliveryOutcome send(BotProfile bot, OutboundMessage message) {
        String phoneNumberId = bot.credential(PHONE_NUMBER_ID);
        if (bot.credential(ACCESS_TOKEN) == null || phoneNumberId == null) {
            return new DeliveryOutcome.Failed("the bot has no " + ACCESS_TOKEN + " or " + PHONE_NUMBER_ID);
        }
        if (WhatsAppGraphApi.root(bot).isEmpty()) {
            return new DeliveryOutcome.Failed("the bot's apiBaseUrl or graphVersion is not usable");
        }
        try {
            return switch (message.kind()) {
                case TYPING -> typing(bot, phoneNumberId, message);
                case CHUNK -> new DeliveryOutcome.Delivered(List.of());
                case FINAL, ERROR -> texts(bot, phoneNumberId, message);
            };
        } catch (IOException e) {
            return new DeliveryOutcome.RetryLater(null, "Graph API unreachable: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DeliveryOutcome.RetryLater(null, "interrupted while sending");
        }
    }

    private DeliveryOutcome typing(BotProfile bot, String phoneNumberId, OutboundMessage message)
            throws IOException, InterruptedException {
        String userMessage = message.route().replyToMessageId();
        if (userMessage == null) {
            return new DeliveryOutcome.Delivered(List.of());
        }
        WhatsAppGraphApi.Answer answer = graph.post(bot, phoneNumberId + "/messages", Map.of(
                "messaging_product", "whatsapp",
                "status", "read",
                "message_id", userMessage,
                "typing_indicator", Map.of("type", "text")));
        return answer.ok() ? new DeliveryOutcome.Delivered(List.of()) : outcomeOf(answer);
    }

    private DeliveryOutcome texts(BotProfile bot, String phoneNumberId, OutboundMessage message)
            throws IOException, InterruptedException {
        List<String> texts = format.render(message.markdown());
        String progressKey = bot.botId() + ":" + message.requestId() + ":" + message.kind().id();
        List<String> sentIds = new ArrayList<>();
        for (int i = textsSent.getOrDefault(progressKey, 0); i < texts.size(); i++) {
            DeliveryOutcome waited = awaitPermit(bot, phoneNumberId, message.route().chatId());
            if (waited != null) {
                return waited;
            }
            WhatsAppGraphApi.Answer answer = graph.post(bot, phoneNumberId + "/messages",
                    textMessage(message, texts.get(i), i == 0));
            if (!answer.ok()) {
                DeliveryOutcome outcome = outcomeOf(answer);
                if (!(outcome instanceof DeliveryOutcome.RetryLater)) {
                    textsSent.remove(progressKey);
                }
                return outcome;
            }
            sentIds.add(answer.body().path("messages").path(0).path("id").asText());
            textsSent.put(progressKey, i + 1);
        }
        textsSent.remove(progressKey);
        return new DeliveryOutcome.Delivered(sentIds);
    }

    private static Map<String, Object> textMessage(OutboundMessage message, String text, boolean first) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("messaging_product", "whatsapp");
        body.put("recipient_type", "individual");
        body.put("to", message.route().chatId());
        body.put("type", "text");
        body.put("text", Map.of("body", text, "preview_url", false));
        if (first && message.route().replyToMessageId() != null) {
            body.put("context", Map.of("message_id", message.route().replyToMessageId()));
        }
        return body;
    }

    /** {@code null} once a permit is taken; a short wait is slept through, a long one handed back as a retry. */
    private DeliveryOutcome awaitPermit(BotProfile bot, String phoneNumberId, String recipient)
            throws InterruptedException {
        List<SendPermits.Limit> limits = limitsFor(phoneNumberId, recipient);
        Duration wait;
        while (!(wait = permits.tryTake(bot.botId(), limits)).isZero()) {
            if (wait.compareTo(LONGEST_WAIT_IN_PLACE) > 0) {
                return new DeliveryOutcome.RetryLater(wait, "WhatsApp's send limit for this number or recipient");
            }
            Thread.sleep(wait.toMillis() + 1);
        }
        return null;
    }

    static DeliveryOutcome outcomeOf(WhatsAppGraphApi.Answer answer) {
        int code = answer.errorCode();
        String reason = "Graph API " + answer.status() + (code == 0 ? "" : ", error " + code) + ": "
                + answer.errorText();
        if (CREDENTIAL_ERRORS.contains(code) || answer.status() == 401
                || (code == 0 && "OAuthException".equals(answer.error().path("type").asText()))) {
            return new DeliveryOutcome.CredentialsRejected(reason);
        }
        if (RETRYABLE.contains(code) || answer.status() == 429 || answer.status() >= 500) {
            return new DeliveryOutcome.RetryLater(answer.retryAfter(), reason);
        }
        if (code == OUTSIDE_WINDOW) {
            return new DeliveryOutcome.Failed("outside the 24-hour customer-service window, only a template may be "
                    + "sent: " + reason, Integer.toString(code));
        }
        return new DeliveryOutcome.Failed(reason, code == 0 ? null : Integer.toString(code));
    }
}
