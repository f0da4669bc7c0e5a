package dev.parley.simulators;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Telegram Bot API server on loopback that answers {@code /bot<token>/<method>} as core.telegram.org/bots/api and
 * tdlib/telegram-bot-api do, for the webhook methods, {@code getMe} and {@code sendMessage}.
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

    private final Map<String, Bot> bots = new ConcurrentHashMap<>();

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

    /** What Telegram reports in getWebhookInfo after failing to deliver to the webhook. */
    public void setLastWebhookError(String token, Instant date, String message) {
        Bot bot = bot(token);
        synchronized (bot) {
            bot.lastErrorDate = date;
            bot.lastErrorMessage = message;
        }
    }

    public void setPendingUpdateCount(String token, int count) {
        Bot bot = bot(token);
        synchronized (bot) {
            bot.pendingUpdateCount = count;
        }
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
            record(method, Map.of(), token);
            reply(exchange, 400, error(400, "Bad Request: " + e.getMessage() + " (simulator)"));
            return;
        }
        record(method, parameters, token);

        Bot bot = bots.get(token);
        if (bot == null) {
            reply(exchange, 401, error(401, "Unauthorized"));
            return;
        }
        Optional<Refusal> refusal = nextRefusal(method);
        if (refusal.isPresent()) {
            refuse(exchange, refusal.get());
            return;
        }
        Answer answer = switch (method.toLowerCase(Locale.ROOT)) {
            case "getme" -> Answer.ok(bot.user(), null);
            case "setwebhook" -> setWebhook(bot, parameters);
            case "deletewebhook" -> deleteWebhook(bot, parameters);
            case "getwebhookinfo" -> Answer.ok(webhookInfo(bot), null);
            case "sendmessage" -> sendMessage(bot, parameters);
            default -> Answer.error(404, "Not Found: method not found");
        };
        reply(exchange, answer.status(), answer.body());
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
            // Telegram closes the old webhook before it checks the new one: a refused setWebhook leaves none.
            bot.webhook = null;
            if (drop) {
                bot.pendingUpdateCount = 0;
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
                bot.pendingUpdateCount = 0;
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
            info.put("pending_update_count", bot.pendingUpdateCount);
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

    private static Answer sendMessage(Bot bot, Map<String, String> parameters) {
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
        Map<String, Object> message = new LinkedHashMap<>();
        synchronized (bot) {
            message.put("message_id", bot.nextMessageId.merge(chatId, 1, Integer::sum));
        }
        message.put("from", bot.user());
        message.put("chat", chat);
        message.put("date", Instant.now().getEpochSecond());
        if (parameters.containsKey("message_thread_id")) {
            message.put("message_thread_id", Long.parseLong(parameters.get("message_thread_id")));
        }
        message.put("text", text);
        return Answer.ok(message, null);
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

    private static void refuse(HttpExchange exchange, Refusal refusal) throws IOException {
        Map<String, Object> body = error(refusal.errorCode(), refusal.description());
        if (refusal.retryAfter() == null) {
            reply(exchange, refusal.errorCode(), body);
            return;
        }
        body.put("parameters", Map.of("retry_after", refusal.retryAfter()));
        reply(exchange, refusal.errorCode(), body, Map.of("Retry-After", refusal.retryAfter().toString()));
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

    private record Answer(int status, Map<String, Object> body) {
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
    }

    /** One bot's state; guarded by its own monitor. */
    private static final class Bot {
        final long id;
        final String username;
        final Map<String, Integer> nextMessageId = new HashMap<>();
        Webhook webhook;
        List<String> allowedUpdates;
        int pendingUpdateCount;
        Instant lastErrorDate;
        String lastErrorMessage;

        Bot(long id, String username) {
            this.id = id;
            this.username = username;
        }

        Map<String, Object> user() {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("id", id);
            user.put("is_bot", true);
            user.put("first_name", username);
            user.put("username", username);
            user.put("can_join_groups", true);
            user.put("can_read_all_group_messages", false);
            user.put("supports_inline_queries", false);
            return user;
        }
    }
}
