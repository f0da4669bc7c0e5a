package dev.parley.simulators;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Slack Web API server on loopback that answers {@code /api/<method>} as api.slack.com/methods documents, for
 * {@code auth.test} and {@code chat.postMessage}.
 */
public final class SlackWebApiServer extends PlatformApiServer<SlackWebApiServer.Refusal> {

    /** A workspace's bot user as {@code auth.test} reports it for the bot's token. */
    public record BotUser(String teamId, String team, String userId, String user, String botId) {
    }

    /** An error answer a test scripts; {@code retryAfter} makes it an HTTP 429 with {@code Retry-After}. */
    public record Refusal(String error, Integer retryAfter) {
    }

    private static final Set<String> METHODS = Set.of("auth.test", "chat.postmessage");

    private final Map<String, BotUser> bots = new ConcurrentHashMap<>();
    private final AtomicLong lastTsMicros = new AtomicLong();

    private SlackWebApiServer() {
    }

    /** Starts on a free port. */
    public static SlackWebApiServer start() {
        return start(0);
    }

    public static SlackWebApiServer start(int port) {
        SlackWebApiServer server = new SlackWebApiServer();
        server.listen(port, "/");
        return server;
    }

    /** Makes {@code token} a valid bot token of {@code bot}; calls with any other token get {@code invalid_auth}. */
    public void registerBot(String token, BotUser bot) {
        bots.put(token, bot);
    }

    /** The next call of {@code method} answers HTTP 200 {@code {"ok":false,"error":error}}, as Slack does. */
    public void failNext(String method, String error) {
        scriptRefusal(method, new Refusal(error, null));
    }

    /** The next call of {@code method} answers HTTP 429 with {@code Retry-After}, Slack's rate limit. */
    public void rateLimitNext(String method, int retryAfterSeconds) {
        scriptRefusal(method, new Refusal("ratelimited", retryAfterSeconds));
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!path.startsWith("/api/") || path.length() == "/api/".length()) {
            reply(exchange, 404, failure("unknown_method"));
            return;
        }
        String method = path.substring("/api/".length());
        Map<String, String> parameters;
        try {
            parameters = RequestParameters.read(exchange, JSON);
        } catch (RequestParameters.MalformedBody e) {
            record(method, Map.of(), null);
            reply(exchange, 200, failure("invalid_form_data"));
            return;
        }
        String token = token(exchange, parameters);
        record(method, parameters, token);

        if (!METHODS.contains(method.toLowerCase(Locale.ROOT))) {
            Map<String, Object> body = failure("unknown_method");
            body.put("req_method", method);
            reply(exchange, 404, body);
            return;
        }
        if (token == null) {
            reply(exchange, 200, failure("not_authed"));
            return;
        }
        BotUser bot = bots.get(token);
        if (bot == null) {
            reply(exchange, 200, failure("invalid_auth"));
            return;
        }
        Optional<Refusal> refusal = nextRefusal(method);
        if (refusal.isPresent()) {
            Refusal r = refusal.get();
            if (r.retryAfter() == null) {
                reply(exchange, 200, failure(r.error()));
            } else {
                reply(exchange, 429, failure(r.error()), Map.of("Retry-After", r.retryAfter().toString()));
            }
            return;
        }
        Map<String, Object> answer = method.equalsIgnoreCase("auth.test") ? authTest(bot) : postMessage(bot, parameters);
        reply(exchange, 200, answer);
    }

    private static Map<String, Object> authTest(BotUser bot) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("url", "https://" + bot.team().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".slack.com/");
        body.put("team", bot.team());
        body.put("user", bot.user());
        body.put("team_id", bot.teamId());
        body.put("user_id", bot.userId());
        body.put("bot_id", bot.botId());
        body.put("is_enterprise_install", false);
        return body;
    }

    private Map<String, Object> postMessage(BotUser bot, Map<String, String> parameters) {
        String channel = parameters.getOrDefault("channel", "");
        String text = parameters.getOrDefault("text", "");
        if (channel.isEmpty()) {
            return failure("channel_not_found");
        }
        if (text.isBlank() && !parameters.containsKey("blocks") && !parameters.containsKey("attachments")) {
            return failure("no_text");
        }
        String ts = nextTs();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("user", bot.userId());
        message.put("bot_id", bot.botId());
        message.put("team", bot.teamId());
        message.put("text", text);
        message.put("ts", ts);
        if (parameters.containsKey("thread_ts")) {
            message.put("thread_ts", parameters.get("thread_ts"));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("channel", channel);
        body.put("ts", ts);
        body.put("message", message);
        return body;
    }

    /** Slack message timestamps are "seconds.micros" and unique per channel; these increase across the server. */
    private String nextTs() {
        long now = System.currentTimeMillis() * 1000;
        long micros = lastTsMicros.updateAndGet(last -> Math.max(last + 1, now));
        return String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }

    /** Slack reads the token from the Authorization bearer first, else from a {@code token} parameter. */
    private static String token(HttpExchange exchange, Map<String, String> parameters) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String bearer = authorization.substring(7).trim();
            if (!bearer.isEmpty()) {
                return bearer;
            }
        }
        String token = parameters.get("token");
        return token == null || token.isEmpty() ? null : token;
    }

    private static Map<String, Object> failure(String error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error", error);
        return body;
    }
}
