package dev.parley.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Slack Web API server on loopback that answers {@code /api/<method>} as api.slack.com/methods documents, for
 * {@code auth.test}, {@code chat.postMessage}, {@code chat.update} and {@code apps.connections.open}, and the Socket
 * Mode WebSocket that {@code apps.connections.open} points at (see {@link SlackSocketMode}), optionally enforcing the
 * documented rate limits of the two methods Parley posts with.
 */
public final class SlackWebApiServer extends PlatformApiServer<SlackWebApiServer.Refusal> {

    /** A workspace's bot user as {@code auth.test} reports it for the bot's token. */
    public record BotUser(String teamId, String team, String userId, String user, String botId) {
    }

    /** An error answer a test scripts; {@code retryAfter} makes it an HTTP 429 with {@code Retry-After}. */
    public record Refusal(String error, Integer retryAfter) {
    }

    /** A Socket Mode app as {@link #registerApp} made it: its id and the bot token of its installation. */
    public record App(String appId, String botToken) {
    }

    private static final Set<String> METHODS = Set.of("auth.test", "chat.postmessage", "chat.update",
            "apps.connections.open");
    /**
     * api.slack.com/methods/chat.postMessage: "generally allows an app to post 1 message per second to a specific
     * channel, with limits for short bursts". The burst of 3 is the simulator's choice; Slack names no number.
     */
    static final TokenBuckets.Limit POSTS_PER_CHANNEL = new TokenBuckets.Limit(3, 1, Duration.ofSeconds(1));
    /**
     * api.slack.com/methods/chat.update is Tier 3, "50+ per minute", counted per method, workspace and app
     * (api.slack.com/apis/rate-limits); held to 50 with a burst of 50, the simulator's choice.
     */
    static final TokenBuckets.Limit UPDATES_PER_APP = new TokenBuckets.Limit(50, 50, Duration.ofMinutes(1));
    /**
     * How many posted messages are kept for chat.update and {@link #messageText}. Slack keeps them all; a load run
     * posting hundreds a second for half an hour must not fill the heap, and Parley updates only recent messages.
     */
    static final int DEFAULT_KEPT_MESSAGES = 100_000;
    /** Real app-level tokens carry the app id: {@code xapp-1-A0123ABCDEF-1234567890123-<hex>}. */
    private static final Pattern APP_TOKEN = Pattern.compile("xapp-\\d+-(A[A-Z0-9]+)-.*");

    private final Map<String, BotUser> bots = new ConcurrentHashMap<>();
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    /** Messages the bots posted, by channel and ts, so chat.update finds them and tests read their current text. */
    private final Map<String, Map<String, Posted>> messages = new ConcurrentHashMap<>();
    private final AtomicLong lastTsMicros = new AtomicLong();
    private final AtomicLong lastAppNumber = new AtomicLong();
    private SlackSocketMode socketMode;
    private final TokenBuckets rateLimits = new TokenBuckets();
    private final LongAdder rateLimited = new LongAdder();
    private volatile boolean enforceRateLimits;
    private volatile InstantSource clock = InstantSource.system();
    /** Posted messages in the order posted, so the oldest are forgotten first once more than the limit are kept. */
    private final Queue<KeptMessage> keptInOrder = new ConcurrentLinkedQueue<>();
    private final AtomicInteger kept = new AtomicInteger();
    private volatile int keptMessages = DEFAULT_KEPT_MESSAGES;

    private record Posted(BotUser bot, String text, String threadTs) {
    }

    private record KeptMessage(String channel, String ts) {
    }

    /**
     * Keys of {@link #rateLimits}: a bot token stands for the app in its workspace, the unit Slack counts per. A
     * post's allowance is the channel's, an update's the app's.
     */
    private record ChannelPosts(String token, String channel) {
    }

    private record Updates(String token) {
    }

    /** An answer: HTTP 200 with {@code ok} true or false, or 429 with {@code Retry-After}. */
    private record Answer(int status, Map<String, Object> body, Map<String, String> headers) {
        static Answer ok(Map<String, Object> body) {
            return new Answer(200, body, Map.of());
        }

        static Answer failed(String error) {
            return ok(failure(error));
        }

        static Answer ratelimited(int retryAfterSeconds) {
            return new Answer(429, failure("ratelimited"), Map.of("Retry-After", Integer.toString(retryAfterSeconds)));
        }
    }

    private SlackWebApiServer() {
    }

    /** Starts on a free port, and Socket Mode on another. */
    public static SlackWebApiServer start() {
        return start(0);
    }

    public static SlackWebApiServer start(int port) {
        return start(port, 0);
    }

    /** Starts the Web API on {@code port} and the Socket Mode WebSocket on {@code socketModePort} (0: a free one). */
    public static SlackWebApiServer start(int port, int socketModePort) {
        SlackWebApiServer server = new SlackWebApiServer();
        server.socketMode = new SlackSocketMode(socketModePort, JSON);
        try {
            server.listen(port, "/");
        } catch (RuntimeException e) {
            server.socketMode.close();
            throw e;
        }
        return server;
    }

    /** The port of the Socket Mode WebSocket that {@code apps.connections.open} URLs point at. */
    public int socketModePort() {
        return socketMode.port();
    }

    /** Makes {@code token} a valid bot token of {@code bot}; calls with any other token get {@code invalid_auth}. */
    public void registerBot(String token, BotUser bot) {
        bots.put(token, bot);
    }

    /**
     * Makes {@code appToken} a valid app-level token of a Socket Mode app installed with {@code botToken}. The app id
     * is read from the token when it has Slack's shape ({@code xapp-1-A0123ABCDEF-…}), otherwise one is made up.
     *
     * @return the app's id, as {@code hello} and the {@code apps.connections.open} URL report it
     */
    public String registerApp(String appToken, String botToken) {
        Matcher shaped = APP_TOKEN.matcher(appToken);
        String appId = shaped.matches() ? shaped.group(1)
                : String.format(Locale.ROOT, "A%010d", lastAppNumber.incrementAndGet());
        registerApp(appToken, appId, botToken);
        return appId;
    }

    /**
     * Makes {@code appToken} a valid app-level token of app {@code appId}. App-level tokens start with {@code xapp-};
     * Slack refuses them for bot methods and refuses bot tokens for {@code apps.connections.open}. The bot token is
     * kept for {@link #app} and not checked.
     */
    public void registerApp(String appToken, String appId, String botToken) {
        if (!appToken.startsWith("xapp-")) {
            throw new IllegalArgumentException("an app-level token starts with xapp-");
        }
        if (!appId.startsWith("A")) {
            throw new IllegalArgumentException("Slack app ids start with A, e.g. A0123ABCDEF");
        }
        apps.put(appToken, new App(appId, botToken));
    }

    /** The app registered with {@code appToken}. */
    public Optional<App> app(String appToken) {
        return Optional.ofNullable(apps.get(appToken));
    }

    /** The current text of a message a bot posted (after any chat.update), empty when there is no such message. */
    public Optional<String> messageText(String channel, String ts) {
        Map<String, Posted> inChannel = messages.get(channel);
        Posted posted = inChannel == null ? null : inChannel.get(ts);
        return posted == null ? Optional.empty() : Optional.of(posted.text());
    }

    /**
     * Sends an Events API payload to the app over Socket Mode, as Slack does when something happens in a workspace:
     * wrapped in an {@code events_api} envelope on one of the app's open connections (any one, as Slack picks), or,
     * when none is open, on the next connection right after its {@code hello}. Unacknowledged envelopes are sent again
     * (see {@link #redeliverUnackedAfter}).
     *
     * @param eventCallbackJson the payload, e.g. {@code {"type":"event_callback","event":{…},"event_id":…}}
     * @return the envelope's {@code envelope_id}
     */
    public String deliverEvent(String appToken, String eventCallbackJson) {
        app(appToken).orElseThrow(() -> new IllegalArgumentException("no app registered with that token"));
        JsonNode payload;
        try {
            payload = JSON.readTree(eventCallbackJson);
        } catch (IOException e) {
            throw new IllegalArgumentException("an Events API payload is a JSON object", e);
        }
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException("an Events API payload is a JSON object");
        }
        return socketMode.deliver(appToken, "events_api", payload);
    }

    /** Whether the client acknowledged the envelope ({@code {"envelope_id":…}}) on one of the app's connections. */
    public boolean acknowledged(String envelopeId) {
        return socketMode.acknowledged(envelopeId);
    }

    /** How often the envelope was sent; more than one means it was redelivered. 0 for an unknown id. */
    public int deliveries(String envelopeId) {
        return socketMode.deliveries(envelopeId);
    }

    /** The app's open Socket Mode connections. */
    public int connections(String appToken) {
        return socketMode.connections(appToken);
    }

    /**
     * Sends {@code {"type":"disconnect","reason":reason,"debug_info":{"host":…}}} on each of the app's open connections
     * and closes them after {@link #closeDisconnectedAfter} (1 s unless set), as Slack does when it recycles a link.
     * Until they close, new envelopes go to other connections when the app has any.
     *
     * @param reason as Slack sends it: {@code refresh_requested}, {@code warning}, {@code link_disabled}
     * @return how many connections were told
     */
    public int disconnect(String appToken, String reason) {
        return socketMode.disconnect(appToken, reason);
    }

    /**
     * How long an envelope may go unacknowledged before it is sent again with {@code retry_attempt} + 1 and
     * {@code retry_reason} {@code "timeout"}, up to three retries. 3 s unless set, Slack's acknowledgement window.
     */
    public void redeliverUnackedAfter(Duration delay) {
        socketMode.redeliverUnackedAfter(delay);
    }

    /** How long a connection stays open after {@link #disconnect}; 1 s unless set. */
    public void closeDisconnectedAfter(Duration delay) {
        socketMode.closeDisconnectedAfter(delay);
    }

    /**
     * Whether chat.postMessage and chat.update are held to Slack's documented limits (off unless turned on): per bot
     * token, one post a second to a channel (bursts of 3) and 50 updates a minute. A call over its limit takes nothing
     * and is answered HTTP 429 with {@code Retry-After} (whole seconds until it would fit) and
     * {@code {"ok":false,"error":"ratelimited"}}. Switching forgets what was sent: the limits start full.
     */
    public void enforceRateLimits(boolean on) {
        rateLimits.clear();
        enforceRateLimits = on;
    }

    /** Replaces the system clock for the rate limits, so tests step time instead of sleeping. */
    public void clock(InstantSource clock) {
        this.clock = clock;
    }

    /** How many calls the rate limits answered 429 (scripted {@link #rateLimitNext} answers not counted). */
    public long rateLimited() {
        return rateLimited.sum();
    }

    /**
     * How many posted messages are kept (100,000 unless set); beyond it the oldest are forgotten, and updating one
     * answers {@code message_not_found}. For tests of that edge.
     */
    void keptMessages(int count) {
        keptMessages = count;
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
            record(exchange, method, Map.of(), null);
            reply(exchange, 200, failure("invalid_form_data"));
            return;
        }
        String token = token(exchange, parameters);
        record(exchange, method, parameters, token);

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
        App app = apps.get(token);
        if (bot == null && app == null) {
            reply(exchange, 200, failure("invalid_auth"));
            return;
        }
        // An app-level token opens Socket Mode links and nothing else; a bot token cannot open them.
        boolean opensLink = method.equalsIgnoreCase("apps.connections.open");
        if (opensLink ? app == null : bot == null) {
            reply(exchange, 200, failure("not_allowed_token_type"));
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
        Answer answer = switch (method.toLowerCase(Locale.ROOT)) {
            case "auth.test" -> Answer.ok(authTest(bot));
            case "chat.postmessage" -> postMessage(bot, token, parameters);
            case "chat.update" -> update(bot, token, parameters);
            default -> Answer.ok(openConnection(token, app));
        };
        reply(exchange, answer.status(), answer.body(), answer.headers());
    }

    /**
     * Takes one call from the allowance {@code key} names, checked after the method's own checks, as only a message
     * that would be posted or changed counts here.
     *
     * @return the 429 answer when the allowance is used up, {@code null} when the call may go
     */
    private Answer takeAllowance(Object key, TokenBuckets.Limit limit) {
        if (!enforceRateLimits) {
            return null;
        }
        Duration wait = rateLimits.take(clock.instant(), List.of(new TokenBuckets.Take(key, limit)));
        if (wait.isZero()) {
            return null;
        }
        rateLimited.increment();
        return Answer.ratelimited(TokenBuckets.retryAfterSeconds(wait));
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

    private Answer postMessage(BotUser bot, String token, Map<String, String> parameters) {
        String channel = parameters.getOrDefault("channel", "");
        String text = parameters.getOrDefault("text", "");
        if (channel.isEmpty()) {
            return Answer.failed("channel_not_found");
        }
        if (text.isBlank() && !parameters.containsKey("blocks") && !parameters.containsKey("attachments")) {
            return Answer.failed("no_text");
        }
        Answer limited = takeAllowance(new ChannelPosts(token, channel), POSTS_PER_CHANNEL);
        if (limited != null) {
            return limited;
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
        messages.computeIfAbsent(channel, k -> new ConcurrentHashMap<>())
                .put(ts, new Posted(bot, text, parameters.get("thread_ts")));
        keep(new KeptMessage(channel, ts));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("channel", channel);
        body.put("ts", ts);
        body.put("message", message);
        return Answer.ok(body);
    }

    /**
     * chat.update as api.slack.com/methods/chat.update documents its answer: {@code channel}, {@code ts}, {@code text}
     * and the edited {@code message}. Only messages posted through this server can be found.
     */
    private Answer update(BotUser bot, String token, Map<String, String> parameters) {
        String channel = parameters.getOrDefault("channel", "");
        String ts = parameters.getOrDefault("ts", "");
        String text = parameters.getOrDefault("text", "");
        if (channel.isEmpty()) {
            return Answer.failed("channel_not_found");
        }
        Map<String, Posted> inChannel = messages.get(channel);
        Posted posted = inChannel == null ? null : inChannel.get(ts);
        if (posted == null) {
            return Answer.failed("message_not_found");
        }
        // Slack lets a bot edit only its own messages.
        if (!posted.bot().userId().equals(bot.userId())) {
            return Answer.failed("cant_update_message");
        }
        if (text.isBlank() && !parameters.containsKey("blocks") && !parameters.containsKey("attachments")) {
            return Answer.failed("no_text");
        }
        Answer limited = takeAllowance(new Updates(token), UPDATES_PER_APP);
        if (limited != null) {
            return limited;
        }
        // replace, not put: a message forgotten meanwhile stays forgotten.
        inChannel.replace(ts, new Posted(posted.bot(), text, posted.threadTs()));
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "message");
        message.put("user", bot.userId());
        message.put("bot_id", bot.botId());
        message.put("team", bot.teamId());
        message.put("text", text);
        if (posted.threadTs() != null) {
            message.put("thread_ts", posted.threadTs());
        }
        message.put("edited", Map.of("user", bot.userId(), "ts", nextTs()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("channel", channel);
        body.put("ts", ts);
        body.put("text", text);
        body.put("message", message);
        return Answer.ok(body);
    }

    /** Counts a posted message and forgets the oldest beyond {@link #keptMessages}. */
    private void keep(KeptMessage message) {
        keptInOrder.add(message);
        if (kept.incrementAndGet() <= keptMessages) {
            return;
        }
        KeptMessage oldest = keptInOrder.poll();
        if (oldest != null) {
            kept.decrementAndGet();
            Map<String, Posted> inChannel = messages.get(oldest.channel());
            if (inChannel != null) {
                inChannel.remove(oldest.ts());
            }
        }
    }

    /** apps.connections.open: {@code {"ok":true,"url":"ws://…/link/?ticket=…&app_id=…"}}, one connection per URL. */
    private Map<String, Object> openConnection(String appToken, App app) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", true);
        body.put("url", socketMode.openLink(appToken, app.appId()));
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

    @Override
    public void close() {
        try {
            super.close();
        } finally {
            socketMode.close();
        }
    }

    private static Map<String, Object> failure(String error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ok", false);
        body.put("error", error);
        return body;
    }
}
