package dev.parley.simulators;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Telegram Bot API server on loopback that answers {@code /bot<token>/<method>} as core.telegram.org/bots/api and
 * tdlib/telegram-bot-api do, for the webhook methods, {@code getMe}, {@code getUpdates} (long polling over updates a
 * test enqueues), {@code sendMessage}, {@code editMessageText} and {@code sendChatAction}, optionally enforcing
 * Telegram's documented send limits with its own 429 answer.
 */
public final class TelegramBotApiServer extends PlatformApiServer<TelegramBotApiServer.Refusal> {

    /** An error answer a test scripts; {@code retryAfter} adds {@code parameters.retry_after} and the header. */
    public record Refusal(int errorCode, String description, Integer retryAfter) {
    }

    /**
     * A bot's webhook as the last successful {@code setWebhook} left it.
     *
     * @param secretToken        {@code null} when none was given
     * @param allowedUpdates     {@code null} for Telegram's default set
     * @param dropPendingUpdates whether that call asked to drop pending updates
     */
    public record Webhook(String url, String secretToken, List<String> allowedUpdates, int maxConnections,
                          boolean dropPendingUpdates) {
    }

    private static final Pattern PATH = Pattern.compile("/bot([^/]+)/([^/]+)");
    private static final Pattern SECRET_TOKEN = Pattern.compile("[A-Za-z0-9_-]*");
    private static final Set<Integer> WEBHOOK_PORTS = Set.of(80, 88, 443, 8443);
    private static final int DEFAULT_MAX_CONNECTIONS = 40;
    private static final int MAX_TEXT_LENGTH = 4096;
    /** telegram-bot-api's LONG_POLL_MAX_TIMEOUT: a longer getUpdates timeout is cut to this many seconds. */
    private static final int MAX_LONG_POLL_SECONDS = 50;
    /**
     * Telegram starts a bot's update queue at a random id above 2,000,000, never at 1; a fixed one keeps tests
     * repeatable and still catches clients that assume ids start small.
     */
    private static final long FIRST_UPDATE_ID = 10_000_001L;
    /** telegram-bot-api's get_chat_action: the actions it knows, compared without case. */
    private static final Set<String> CHAT_ACTIONS = Set.of("cancel", "typing", "record_video", "upload_video",
            "record_audio", "record_voice", "upload_audio", "upload_voice", "upload_photo", "upload_document",
            "choose_sticker", "pick_up_location", "find_location", "record_video_note", "upload_video_note");
    private static final String WEBHOOK_ACTIVE = "Conflict: can't use getUpdates method while webhook is active; "
            + "use deleteWebhook to delete the webhook first";
    private static final String OTHER_GET_UPDATES = "Conflict: terminated by other getUpdates request; "
            + "make sure that only one bot instance is running";
    /**
     * The Bots FAQ (core.telegram.org/bots/faq, "My bot is hitting limits"): "avoid sending more than one message per
     * second in a particular chat". Telegram tolerates short bursts; the burst of 3 is the simulator's choice.
     */
    static final TokenBuckets.Limit PER_CHAT = new TokenBuckets.Limit(3, 1, Duration.ofSeconds(1));
    /** The same FAQ: "bots are not able to send more than 20 messages per minute to the same group". */
    static final TokenBuckets.Limit PER_GROUP = new TokenBuckets.Limit(20, 20, Duration.ofMinutes(1));
    /** The same FAQ: "not allowed to broadcast more than about 30 messages per second" across all chats. */
    static final TokenBuckets.Limit PER_BOT = new TokenBuckets.Limit(30, 30, Duration.ofSeconds(1));
    /**
     * How many sent messages are kept for editMessageText and {@link #messageText}, over all bots. Telegram keeps them
     * all; a load run sending hundreds a second for half an hour must not fill the heap (about 1.5 kB each), and
     * Parley edits only recent messages.
     */
    static final int DEFAULT_KEPT_MESSAGES = 100_000;
    private static final String NOT_MODIFIED = "Bad Request: message is not modified: specified new message content "
            + "and reply markup are exactly the same as a current content and reply markup of the message";

    private final Map<String, Bot> bots = new ConcurrentHashMap<>();
    /** Set by {@link #close()}: a getUpdates arriving afterwards answers at once instead of holding up shutdown. */
    private volatile boolean closing;
    private final TokenBuckets sendLimits = new TokenBuckets();
    private final LongAdder rateLimited = new LongAdder();
    private volatile boolean enforceSendLimits;
    private volatile InstantSource clock = InstantSource.system();
    /** Sent messages in the order sent, so the oldest are forgotten first once more than {@link #keptMessages} are. */
    private final Queue<KeptMessage> keptInOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private volatile int keptMessages = DEFAULT_KEPT_MESSAGES;

    private record KeptMessage(Bot bot, long chatId, long messageId) {
    }

    /** A chat's allowance, a group's and the whole bot's, per bot token: keys of {@link #sendLimits}. */
    private record ChatSends(String token, long chatId) {
    }

    private record GroupSends(String token, long chatId) {
    }

    private record BotSends(String token) {
    }

    private TelegramBotApiServer() {
    }

    /** Starts on a free port. */
    public static TelegramBotApiServer start() {
        return start(0);
    }

    public static TelegramBotApiServer start(int port) {
        TelegramBotApiServer server = new TelegramBotApiServer();
        server.listen(port, "/");
        return server;
    }

    /**
     * Makes {@code token} a valid bot token. The bot's id is the number before the colon, as in real tokens
     * ({@code 123456:ABC…}); calls with any other token get 401 Unauthorized.
     */
    public void registerBot(String token, String username) {
        int colon = token.indexOf(':');
        if (colon <= 0 || !token.substring(0, colon).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("a bot token is <bot id>:<secret>, e.g. 123456:ABC-DEF");
        }
        bots.put(token, new Bot(Long.parseLong(token.substring(0, colon)), username));
    }

    /** The next call of {@code method} answers {@code error_code} and {@code description} instead. */
    public void failNext(String method, int errorCode, String description) {
        scriptRefusal(method, new Refusal(errorCode, description, null));
    }

    /** The next call of {@code method} answers 429 with {@code retry_after}, as Telegram's flood control does. */
    public void rateLimitNext(String method, int retryAfterSeconds) {
        scriptRefusal(method, new Refusal(429, "Too Many Requests: retry after " + retryAfterSeconds,
                retryAfterSeconds));
    }

    /**
     * Whether sendMessage and editMessageText are held to Telegram's send limits (off unless turned on): per bot, at
     * most one message a second in a chat (bursts of 3), 20 a minute in a group (a negative chat id), 30 a second in
     * all. A send over any of them takes from none and is answered 429 {@code "Too Many Requests: retry after N"}
     * with {@code parameters.retry_after} and {@code Retry-After}, N the whole seconds until it would fit. Switching
     * forgets what was sent: the limits start full.
     */
    public void enforceSendLimits(boolean on) {
        sendLimits.clear();
        enforceSendLimits = on;
    }

    /** Replaces the system clock for the send limits, so tests step time instead of sleeping. */
    public void clock(InstantSource clock) {
        this.clock = clock;
    }

    /** How many calls the send limits answered 429 (scripted {@link #rateLimitNext} answers not counted). */
    public long rateLimited() {
        return rateLimited.sum();
    }

    /**
     * How many sent messages are kept, over all bots (100,000 unless set); beyond it the oldest are forgotten, and
     * editing one answers {@code "Bad Request: message to edit not found"}. For tests of that edge.
     */
    void keptMessages(int count) {
        keptMessages = count;
    }

    /** What Telegram reports in getWebhookInfo after failing to deliver to the webhook. */
    public void setLastWebhookError(String token, Instant date, String message) {
        Bot bot = bot(token);
        synchronized (bot) {
            bot.lastErrorDate = date;
            bot.lastErrorMessage = message;
        }
    }

    /**
     * Updates Telegram holds for the bot beyond those enqueued with {@link #enqueueUpdate}: getWebhookInfo's
     * {@code pending_update_count} reports both together.
     */
    public void setPendingUpdateCount(String token, int count) {
        Bot bot = bot(token);
        synchronized (bot) {
            bot.pendingUpdateCount = count;
        }
    }

    /**
     * Adds an Update to the bot's queue, as Telegram does when something happens in a chat, and wakes a waiting
     * getUpdates. {@code updateJson} is a raw Update object; its {@code update_id} is kept when present (it must be
     * above every earlier one: Telegram's queue only grows), otherwise the next id is assigned. The simulator never
     * delivers updates to a webhook: with one set they only count in {@code pending_update_count}.
     *
     * @return the update's {@code update_id}
     */
    public long enqueueUpdate(String token, String updateJson) {
        JsonNode parsed;
        try {
            parsed = JSON.readTree(updateJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("an update is a JSON object", e);
        }
        if (parsed == null || !parsed.isObject()) {
            throw new IllegalArgumentException("an update is a JSON object");
        }
        JsonNode givenId = parsed.get("update_id");
        if (givenId != null && !(givenId.canConvertToInt() && givenId.asLong() > 0)) {
            // Telegram's update ids are positive 32-bit integers (td::TQueue::EventId).
            throw new IllegalArgumentException("update_id must be a positive 32-bit integer, not " + givenId);
        }
        Bot bot = bot(token);
        synchronized (bot) {
            long updateId = givenId != null ? givenId.asLong()
                    : bot.lastUpdateId == 0 ? FIRST_UPDATE_ID : bot.lastUpdateId + 1;
            if (updateId <= bot.lastUpdateId) {
                throw new IllegalArgumentException("update_id " + updateId + " is not above the last one, "
                        + bot.lastUpdateId + ": Telegram's update ids only increase");
            }
            // update_id first, as Telegram writes it.
            ObjectNode update = JSON.createObjectNode().put("update_id", updateId);
            parsed.properties().forEach(field -> {
                if (!field.getKey().equals("update_id")) {
                    update.set(field.getKey(), field.getValue());
                }
            });
            bot.updates.add(update);
            bot.lastUpdateId = updateId;
            if (bot.longPoll != null) {
                bot.longPoll.wake.countDown();
            }
            return updateId;
        }
    }

    /** How many enqueued updates getUpdates has not yet confirmed (the scripted pending count not included). */
    public int pendingUpdates(String token) {
        Bot bot = bot(token);
        synchronized (bot) {
            return bot.updates.size();
        }
    }

    /** How many getUpdates answers carried this update so far; more than one means it was redelivered. */
    public int deliveries(String token, long updateId) {
        Bot bot = bot(token);
        synchronized (bot) {
            return bot.deliveries.getOrDefault(updateId, 0);
        }
    }

    /** Whether a getUpdates of this bot is waiting for updates right now (lets a test enqueue after it started). */
    public boolean isPolling(String token) {
        Bot bot = bot(token);
        synchronized (bot) {
            return bot.longPoll != null;
        }
    }

    /**
     * The current text of a message the bot sent (after any edits), empty when the bot sent no such message.
     *
     * @param chatId the chat as a {@code chat_id} names it: a number or {@code @channelname}
     */
    public Optional<String> messageText(String token, String chatId, long messageId) {
        Bot bot = bot(token);
        Map<String, Object> chat = chat(chatId);
        if (chat == null) {
            return Optional.empty();
        }
        synchronized (bot) {
            SentMessage message = bot.sentMessage((Long) chat.get("id"), messageId);
            return message == null ? Optional.empty() : Optional.of(message.text);
        }
    }

    public Optional<String> messageText(String token, long chatId, long messageId) {
        return messageText(token, Long.toString(chatId), messageId);
    }

    /** The bot's webhook, empty when none is set. */
    public Optional<Webhook> webhook(String token) {
        Bot bot = bot(token);
        synchronized (bot) {
            return Optional.ofNullable(bot.webhook);
        }
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
        if (!path.matches()) {
            reply(exchange, 404, error(404, "Not Found"));
            return;
        }
        String token = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
        String method = path.group(2);
        Map<String, String> parameters;
        try {
            parameters = RequestParameters.read(exchange, JSON);
        } catch (RequestParameters.MalformedBody e) {
            record(exchange, method, Map.of(), token);
            reply(exchange, 400, error(400, "Bad Request: " + e.getMessage() + " (simulator)"));
            return;
        }
        record(exchange, method, parameters, token);

        Bot bot = bots.get(token);
        if (bot == null) {
            reply(exchange, 401, error(401, "Unauthorized"));
            return;
        }
        Optional<Refusal> refusal = nextRefusal(method);
        if (refusal.isPresent()) {
            Answer refused = Answer.refused(refusal.get());
            reply(exchange, refused.status(), refused.body(), refused.headers());
            return;
        }
        Answer answer = switch (method.toLowerCase(Locale.ROOT)) {
            case "getme" -> Answer.ok(bot.user(), null);
            case "setwebhook" -> setWebhook(bot, parameters);
            case "deletewebhook" -> deleteWebhook(bot, parameters);
            case "getwebhookinfo" -> Answer.ok(webhookInfo(bot), null);
            case "getupdates" -> getUpdates(bot, parameters);
            case "sendmessage" -> sendMessage(bot, token, parameters);
            case "editmessagetext" -> editMessageText(bot, token, parameters);
            case "sendchataction" -> sendChatAction(parameters);
            default -> Answer.error(404, "Not Found: method not found");
        };
        reply(exchange, answer.status(), answer.body(), answer.headers());
    }

    /**
     * Takes a message from the chat's, the group's and the bot's allowance, or from none; checked after the call's own
     * checks, as Telegram only counts messages it would send.
     *
     * @return the 429 answer when a limit is used up, {@code null} when the message may go
     */
    private Answer takeSendAllowance(String token, long chatId) {
        if (!enforceSendLimits) {
            return null;
        }
        List<TokenBuckets.Take> takes = new ArrayList<>(3);
        takes.add(new TokenBuckets.Take(new ChatSends(token, chatId), PER_CHAT));
        if (chatId < 0) {
            takes.add(new TokenBuckets.Take(new GroupSends(token, chatId), PER_GROUP));
        }
        takes.add(new TokenBuckets.Take(new BotSends(token), PER_BOT));
        Duration wait = sendLimits.take(clock.instant(), takes);
        if (wait.isZero()) {
            return null;
        }
        rateLimited.increment();
        return Answer.tooManyRequests(TokenBuckets.retryAfterSeconds(wait));
    }

    private Answer setWebhook(Bot bot, Map<String, String> parameters) {
        String url = parameters.getOrDefault("url", "");
        if (url.isEmpty()) {
            // The Bot API documents an empty url as "remove the webhook".
            return deleteWebhook(bot, parameters);
        }
        String secretToken = parameters.getOrDefault("secret_token", "");
        boolean drop = isTrue(parameters.get("drop_pending_updates"));
        synchronized (bot) {
            List<String> allowedUpdates = allowedUpdates(parameters.get("allowed_updates"), bot.allowedUpdates);
            Webhook requested = new Webhook(url, secretToken.isEmpty() ? null : secretToken, allowedUpdates,
                    maxConnections(parameters.get("max_connections")), drop);
            boolean unchanged = bot.webhook != null && bot.webhook.url().equals(url)
                    && bot.webhook.maxConnections() == requested.maxConnections()
                    && Objects.equals(bot.webhook.secretToken(), requested.secretToken());
            bot.allowedUpdates = allowedUpdates;
            if (unchanged && !drop) {
                bot.webhook = requested;
                return Answer.ok(true, "Webhook is already set");
            }
            // telegram-bot-api ends a waiting getUpdates before it even checks the new URL.
            bot.endLongPoll("Conflict: terminated by setWebhook request");
            // Telegram closes the old webhook before it checks the new one: a refused setWebhook leaves none.
            bot.webhook = null;
            if (drop) {
                bot.dropPendingUpdates();
            }
            String problem = webhookProblem(url, secretToken);
            if (problem != null) {
                return Answer.error(400, problem);
            }
            bot.webhook = requested;
            bot.lastErrorDate = null;
            bot.lastErrorMessage = null;
            return Answer.ok(true, "Webhook was set");
        }
    }

    private Answer deleteWebhook(Bot bot, Map<String, String> parameters) {
        synchronized (bot) {
            boolean had = bot.webhook != null;
            bot.webhook = null;
            if (isTrue(parameters.get("drop_pending_updates"))) {
                bot.dropPendingUpdates();
            }
            return Answer.ok(true, had ? "Webhook was deleted" : "Webhook is already deleted");
        }
    }

    /** The checks telegram-bot-api makes in {@code do_set_webhook} and WebhookActor, with their exact texts. */
    private static String webhookProblem(String url, String secretToken) {
        URI uri;
        try {
            uri = new URI(url.contains("://") ? url : "https://" + url);
        } catch (URISyntaxException e) {
            return "Bad Request: invalid webhook URL specified";
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (uri.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            return "Bad Request: invalid webhook URL specified";
        }
        if (secretToken.length() > 256) {
            return "Bad Request: secret token is too long";
        }
        if (!SECRET_TOKEN.matcher(secretToken).matches()) {
            return "Bad Request: secret token contains unallowed characters";
        }
        if (scheme.equals("http")) {
            return "Bad Request: bad webhook: An HTTPS URL must be provided for webhook";
        }
        int port = uri.getPort() < 0 ? 443 : uri.getPort();
        if (!WEBHOOK_PORTS.contains(port)) {
            return "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443";
        }
        return null;
    }

    private static Map<String, Object> webhookInfo(Bot bot) {
        synchronized (bot) {
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("url", bot.webhook == null ? "" : bot.webhook.url());
            info.put("has_custom_certificate", false);
            info.put("pending_update_count", bot.pendingUpdateCount + bot.updates.size());
            if (bot.lastErrorDate != null) {
                info.put("last_error_date", bot.lastErrorDate.getEpochSecond());
                info.put("last_error_message", bot.lastErrorMessage);
            }
            if (bot.webhook != null) {
                info.put("max_connections", bot.webhook.maxConnections());
            }
            if (bot.allowedUpdates != null) {
                info.put("allowed_updates", bot.allowedUpdates);
            }
            return info;
        }
    }

    private Answer sendMessage(Bot bot, String token, Map<String, String> parameters) {
        String chatId = parameters.getOrDefault("chat_id", "");
        String text = parameters.getOrDefault("text", "");
        if (chatId.isEmpty()) {
            return Answer.error(400, "Bad Request: chat_id is empty");
        }
        Map<String, Object> chat = chat(chatId);
        if (chat == null) {
            return Answer.error(400, "Bad Request: chat not found");
        }
        if (text.isBlank()) {
            return Answer.error(400, "Bad Request: message text is empty");
        }
        if (visibleLength(text, parameters.get("parse_mode")) > MAX_TEXT_LENGTH) {
            return Answer.error(400, "Bad Request: message is too long");
        }
        long chatKey = (Long) chat.get("id");
        Answer limited = takeSendAllowance(token, chatKey);
        if (limited != null) {
            return limited;
        }
        Map<String, Object> message = new LinkedHashMap<>();
        int messageId;
        synchronized (bot) {
            messageId = bot.nextMessageId.merge(chatKey, 1, Integer::sum);
            message.put("message_id", messageId);
            message.put("from", bot.user());
            message.put("chat", chat);
            message.put("date", Instant.now().getEpochSecond());
            if (parameters.containsKey("message_thread_id")) {
                message.put("message_thread_id", Long.parseLong(parameters.get("message_thread_id")));
            }
            message.put("text", text);
            // Kept so editMessageText finds it; the store holds its own copy, so the answer never changes under it.
            bot.messages.computeIfAbsent(chatKey, k -> new HashMap<>()).put((long) messageId, new SentMessage(
                    new LinkedHashMap<>(message), parseMode(parameters), markup(parameters.get("reply_markup"))));
        }
        keep(new KeptMessage(bot, chatKey, messageId));
        return Answer.ok(message, null);
    }

    /**
     * Counts a message in the store and forgets the oldest beyond {@link #keptMessages}. Called outside the sending
     * bot's monitor: the oldest may be another bot's, and holding two bots' monitors at once could deadlock.
     */
    private void keep(KeptMessage message) {
        keptInOrder.add(message);
        if (kept.incrementAndGet() <= keptMessages) {
            return;
        }
        KeptMessage oldest = keptInOrder.poll();
        if (oldest != null) {
            kept.decrementAndGet();
            synchronized (oldest.bot()) {
                oldest.bot().forget(oldest.chatId(), oldest.messageId());
            }
        }
    }

    /**
     * getUpdates as telegram-bot-api's process_get_updates_query and do_get_updates answer it: confirm what lies below
     * {@code offset}, answer at once when something is queued or {@code timeout} is 0, else wait for an update. Runs on
     * its own virtual thread (see {@link PlatformApiServer}), so a waiting poll holds up no other request.
     */
    private Answer getUpdates(Bot bot, Map<String, String> parameters) {
        long offset = integer(parameters.get("offset"), 0);
        int limit = (int) Math.clamp(integer(parameters.get("limit"), 100), 1, 100);
        int timeout = (int) Math.clamp(integer(parameters.get("timeout"), 0), 0, MAX_LONG_POLL_SECONDS);
        LongPoll poll;
        synchronized (bot) {
            if (bot.webhook != null) {
                return Answer.error(409, WEBHOOK_ACTIVE);
            }
            bot.allowedUpdates = allowedUpdates(parameters.get("allowed_updates"), bot.allowedUpdates);
            List<ObjectNode> updates = bot.takeUpdates(offset, limit);
            if (!updates.isEmpty() || timeout == 0 || closing) {
                return Answer.ok(updates, null);
            }
            // Only a poll that is about to wait ends the one already waiting; one answered at once leaves it be.
            bot.endLongPoll(OTHER_GET_UPDATES);
            poll = new LongPoll();
            bot.longPoll = poll;
        }
        try {
            poll.wake.await(timeout, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (bot) {
            if (poll.conflict != null) {
                return Answer.error(409, poll.conflict);
            }
            if (bot.longPoll == poll) {
                bot.longPoll = null;
            }
            // Woken or timed out, telegram-bot-api answers what is there now, even nothing, rather than wait again.
            return Answer.ok(bot.takeUpdates(offset, limit), null);
        }
    }

    /**
     * editMessageText for a message the bot sent, checked in telegram-bot-api's order: text, then which message, then
     * what TDLib refuses (too long, not modified). Answers the edited Message with {@code edit_date}.
     */
    private Answer editMessageText(Bot bot, String token, Map<String, String> parameters) {
        String chatId = parameters.getOrDefault("chat_id", "");
        String text = parameters.getOrDefault("text", "");
        long messageId = Math.max(integer(parameters.get("message_id"), 0), 0);
        if (text.isBlank()) {
            return Answer.error(400, "Bad Request: message text is empty");
        }
        if (chatId.isEmpty() && messageId == 0) {
            if (parameters.getOrDefault("inline_message_id", "").isEmpty()) {
                return Answer.error(400, "Bad Request: message identifier is not specified");
            }
            return Answer.error(400, "Bad Request: inline messages are not simulated (simulator)");
        }
        if (chatId.isEmpty()) {
            return Answer.error(400, "Bad Request: chat_id is empty");
        }
        Map<String, Object> chat = chat(chatId);
        if (chat == null) {
            return Answer.error(400, "Bad Request: chat not found");
        }
        synchronized (bot) {
            SentMessage sent = bot.sentMessage((Long) chat.get("id"), messageId);
            if (sent == null) {
                return Answer.error(400, "Bad Request: message to edit not found");
            }
            if (visibleLength(text, parameters.get("parse_mode")) > MAX_TEXT_LENGTH) {
                return Answer.error(400, "Bad Request: message is too long");
            }
            String parseMode = parseMode(parameters);
            // An edit without reply_markup removes the keyboard, so the markup compared is the one sent now.
            Object markup = markup(parameters.get("reply_markup"));
            if (sent.text.equals(text) && Objects.equals(sent.parseMode, parseMode)
                    && Objects.equals(sent.replyMarkup, markup)) {
                return Answer.error(400, NOT_MODIFIED);
            }
            Answer limited = takeSendAllowance(token, (Long) chat.get("id"));
            if (limited != null) {
                return limited;
            }
            sent.text = text;
            sent.parseMode = parseMode;
            sent.replyMarkup = markup;
            sent.message.put("edit_date", Instant.now().getEpochSecond());
            sent.message.put("text", text);
            return Answer.ok(new LinkedHashMap<>(sent.message), null);
        }
    }

    /** sendChatAction: telegram-bot-api checks the action before the chat. */
    private static Answer sendChatAction(Map<String, String> parameters) {
        String action = parameters.getOrDefault("action", "").toLowerCase(Locale.ROOT);
        if (!CHAT_ACTIONS.contains(action)) {
            return Answer.error(400, "Bad Request: wrong parameter action in request");
        }
        String chatId = parameters.getOrDefault("chat_id", "");
        if (chatId.isEmpty()) {
            return Answer.error(400, "Bad Request: chat_id is empty");
        }
        if (chat(chatId) == null) {
            return Answer.error(400, "Bad Request: chat not found");
        }
        return Answer.ok(true, null);
    }

    /** The parse mode as Telegram reads it, without case; {@code null} for plain text. */
    private static String parseMode(Map<String, String> parameters) {
        String parseMode = parameters.getOrDefault("parse_mode", "");
        return parseMode.isEmpty() ? null : parseMode.toLowerCase(Locale.ROOT);
    }

    /** reply_markup in a form that compares equal when the JSON is, whatever its spacing; {@code null} for none. */
    private static Object markup(String replyMarkup) {
        if (replyMarkup == null || replyMarkup.isEmpty()) {
            return null;
        }
        try {
            return JSON.readTree(replyMarkup);
        } catch (IOException e) {
            return replyMarkup;
        }
    }

    /**
     * An integer parameter as telegram-bot-api reads one (td::to_integer): optional minus, then leading digits, the
     * rest ignored, 0 when there are none; {@code fallback} when the parameter is absent or empty.
     */
    private static long integer(String value, long fallback) {
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        String trimmed = value.strip();
        int i = trimmed.startsWith("-") ? 1 : 0;
        long result = 0;
        for (; i < trimmed.length() && Character.isDigit(trimmed.charAt(i)) && result < Integer.MAX_VALUE; i++) {
            result = result * 10 + (trimmed.charAt(i) - '0');
        }
        result = Math.min(result, Integer.MAX_VALUE);
        return trimmed.startsWith("-") ? -result : result;
    }

    /**
     * Also ends every waiting getUpdates, answering what is queued as telegram-bot-api does when it closes; otherwise
     * shutting the executor down would wait out their timeouts.
     */
    @Override
    public void close() {
        closing = true;
        for (Bot bot : bots.values()) {
            synchronized (bot) {
                if (bot.longPoll != null) {
                    bot.longPoll.wake.countDown();
                }
            }
        }
        super.close();
    }

    /** The chat a chat_id names: positive ids are users, -100… supergroups, other negatives groups, @name channels. */
    private static Map<String, Object> chat(String chatId) {
        Map<String, Object> chat = new LinkedHashMap<>();
        if (chatId.startsWith("@")) {
            chat.put("id", -1_000_000_000_000L - Math.abs((long) chatId.hashCode()));
            chat.put("type", "channel");
            chat.put("title", chatId.substring(1));
            chat.put("username", chatId.substring(1));
            return chat;
        }
        long id;
        try {
            id = Long.parseLong(chatId);
        } catch (NumberFormatException e) {
            return null;
        }
        chat.put("id", id);
        if (id > 0) {
            chat.put("type", "private");
            chat.put("first_name", "User " + id);
        } else {
            chat.put("type", chatId.startsWith("-100") ? "supergroup" : "group");
            chat.put("title", "Chat " + id);
        }
        return chat;
    }

    /**
     * Length in UTF-16 code units after entity parsing, which is what Telegram limits. HTML is parsed (tags dropped,
     * entities counted as one character); Markdown is counted as sent, which overestimates a little.
     */
    private static int visibleLength(String text, String parseMode) {
        if (parseMode == null || !parseMode.equalsIgnoreCase("HTML")) {
            return text.strip().length();
        }
        return text.replaceAll("<[^>]*>", "").replaceAll("&(#x?[0-9a-fA-F]+|[a-zA-Z]+);", "_").strip().length();
    }

    private static List<String> allowedUpdates(String json, List<String> current) {
        if (json == null || json.isEmpty()) {
            return current;
        }
        List<String> parsed;
        try {
            parsed = JSON.readValue(json, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            // telegram-bot-api ignores an allowed_updates it cannot parse and keeps the previous setting.
            return current;
        }
        return parsed.isEmpty() ? null : parsed.stream().map(u -> u.toLowerCase(Locale.ROOT)).distinct().toList();
    }

    private static int maxConnections(String value) {
        int requested;
        try {
            requested = value == null || value.isEmpty() ? DEFAULT_MAX_CONNECTIONS : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            requested = 0;
        }
        return Math.clamp(requested, 1, 100);
    }

    private static boolean isTrue(String value) {
        return value != null && (value.equalsIgnoreCase("true") || value.equals("1"));
    }

    private static Map<String, Object> error(int code, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error_code", code);
        body.put("description", description);
        return body;
    }

    private Bot bot(String token) {
        Bot bot = bots.get(token);
        if (bot == null) {
            throw new IllegalArgumentException("no bot registered with that token");
        }
        return bot;
    }

    private record Answer(int status, Map<String, Object> body, Map<String, String> headers) {
        Answer(int status, Map<String, Object> body) {
            this(status, body, Map.of());
        }

        static Answer ok(Object result, String description) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ok", true);
            body.put("result", result);
            if (description != null) {
                body.put("description", description);
            }
            return new Answer(200, body);
        }

        static Answer error(int code, String description) {
            return new Answer(code, TelegramBotApiServer.error(code, description));
        }

        /** Telegram's flood control answer: {@code retry_after} in the body and, as an HTTP server, the header. */
        static Answer tooManyRequests(int retryAfterSeconds) {
            return refused(new Refusal(429, "Too Many Requests: retry after " + retryAfterSeconds,
                    retryAfterSeconds));
        }

        static Answer refused(Refusal refusal) {
            Map<String, Object> body = TelegramBotApiServer.error(refusal.errorCode(), refusal.description());
            if (refusal.retryAfter() == null) {
                return new Answer(refusal.errorCode(), body);
            }
            body.put("parameters", Map.of("retry_after", refusal.retryAfter()));
            return new Answer(refusal.errorCode(), body, Map.of("Retry-After", refusal.retryAfter().toString()));
        }
    }

    /** A getUpdates waiting for an update; {@code conflict} is set, under the bot's monitor, when something ends it. */
    private static final class LongPoll {
        final CountDownLatch wake = new CountDownLatch(1);
        String conflict;
    }

    /** A message the bot sent, as editMessageText reads and changes it; guarded by the bot's monitor. */
    private static final class SentMessage {
        final Map<String, Object> message;
        String text;
        String parseMode;
        Object replyMarkup;

        SentMessage(Map<String, Object> message, String parseMode, Object replyMarkup) {
            this.message = message;
            this.text = (String) message.get("text");
            this.parseMode = parseMode;
            this.replyMarkup = replyMarkup;
        }
    }

    /** One bot's state; guarded by its own monitor. */
    private static final class Bot {
        final long id;
        final String username;
        final Map<String, Object> user;
        /** Keyed by the chat's id, so {@code 42} and {@code "42"} are one chat. */
        final Map<Long, Integer> nextMessageId = new HashMap<>();
        final Map<Long, Map<Long, SentMessage>> messages = new HashMap<>();
        /** Enqueued and not yet confirmed, oldest first. */
        final Deque<ObjectNode> updates = new ArrayDeque<>();
        /** Kept after confirmation, so a test can still see an update went out exactly once. */
        final Map<Long, Integer> deliveries = new HashMap<>();
        long lastUpdateId;
        LongPoll longPoll;
        Webhook webhook;
        List<String> allowedUpdates;
        int pendingUpdateCount;
        Instant lastErrorDate;
        String lastErrorMessage;

        Bot(long id, String username) {
            this.id = id;
            this.username = username;
            this.user = describeUser();
        }

        /** Drops a sent message from the store; message ids in its chat keep counting on. */
        void forget(long chatId, long messageId) {
            Map<Long, SentMessage> chat = messages.get(chatId);
            if (chat != null) {
                chat.remove(messageId);
                if (chat.isEmpty()) {
                    messages.remove(chatId);
                }
            }
        }

        SentMessage sentMessage(long chatId, long messageId) {
            Map<Long, SentMessage> chat = messages.get(chatId);
            return chat == null ? null : chat.get(messageId);
        }

        /**
         * td::TQueue's get with forget_previous: confirms (drops) every update below {@code offset}, then hands out up
         * to {@code limit} from the oldest left. A negative offset keeps only the last -offset updates; an offset more
         * than 10 past the queue's tail is "in the future" and confirms nothing.
         */
        List<ObjectNode> takeUpdates(long offset, int limit) {
            if (offset < 0) {
                while (updates.size() > -offset) {
                    updates.removeFirst();
                }
            } else if (offset > 0 && offset <= lastUpdateId + 1 + 10) {
                while (!updates.isEmpty() && updates.peekFirst().get("update_id").asLong() < offset) {
                    updates.removeFirst();
                }
            }
            List<ObjectNode> answer = new ArrayList<>();
            for (ObjectNode update : updates) {
                if (answer.size() == limit) {
                    break;
                }
                answer.add(update.deepCopy());
                deliveries.merge(update.get("update_id").asLong(), 1, Integer::sum);
            }
            return answer;
        }

        /** Answers the waiting getUpdates, if any, with 409 and {@code conflict}. */
        void endLongPoll(String conflict) {
            if (longPoll != null) {
                longPoll.conflict = conflict;
                longPoll.wake.countDown();
                longPoll = null;
            }
        }

        /** drop_pending_updates: what is queued goes unseen, and the scripted count too. */
        void dropPendingUpdates() {
            pendingUpdateCount = 0;
            updates.clear();
        }

        /** The bot's User; one unchangeable map shared by every message kept, as it never changes. */
        Map<String, Object> user() {
            return user;
        }

        private Map<String, Object> describeUser() {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("id", id);
            user.put("is_bot", true);
            user.put("first_name", username);
            user.put("username", username);
            user.put("can_join_groups", true);
            user.put("can_read_all_group_messages", false);
            user.put("supports_inline_queries", false);
            return Collections.unmodifiableMap(user);
        }
    }
}
