package dev.parley.simulators;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Meta Graph API server on loopback that answers the WhatsApp Business Cloud API calls Parley makes, as
 * developers.facebook.com/docs/whatsapp/cloud-api documents them: sending a message and marking one read with the
 * typing indicator ({@code POST /{version}/{phone-number-id}/messages}), and the app's webhook subscription
 * ({@code /{version}/{waba-id}/subscribed_apps}). Meta's throughput and pair rate limits are enforced with Meta's
 * own error objects, so clients meet the answers they will meet in production.
 */
public final class WhatsAppGraphApiServer extends PlatformApiServer<WhatsAppGraphApiServer.GraphError> {

    /**
     * A Graph API error answer: HTTP status and the {@code error} object Meta sends,
     * {@code {"message","type","code","error_data":{"messaging_product":"whatsapp","details"},"error_subcode",
     * "fbtrace_id"}}. {@code error_data} is written only with {@code details}, {@code error_subcode} only when set;
     * {@code fbtrace_id} is made up per answer.
     */
    public record GraphError(int httpStatus, String message, String type, int code, Integer errorSubcode,
                             String details) {

        /**
         * A WhatsApp error as the Cloud API words them: message {@code "(#code) title"}, type {@code OAuthException},
         * {@code details} in {@code error_data}.
         */
        public static GraphError of(int httpStatus, int code, String title, String details) {
            return new GraphError(httpStatus, "(#" + code + ") " + title, OAUTH, code, null, details);
        }

        /**
         * 130429, the number's throughput is used up. HTTP 429 as the error-code table lists it; subcode and details
         * as in the example on that page.
         */
        public static GraphError throughputReached() {
            return new GraphError(429, "(#130429) Rate limit hit", OAUTH, 130429, 2494055,
                    "Cloud API message throughput has been reached.");
        }

        /** 131056, too many messages from this number to one user in a short time. HTTP 429 as the table lists it. */
        public static GraphError pairRateLimitHit() {
            return of(429, 131056, "(Business Account, Consumer Account) pair rate limit hit",
                    "Message failed to send because there were too many messages sent from this phone number to "
                            + "the same phone number in a short period of time.");
        }

        /** 131047, more than 24 hours since the user last wrote: only templates may be sent. HTTP 400. */
        public static GraphError reEngagementMessage() {
            return of(400, 131047, "Re-engagement message", "Message failed to send because more than 24 hours "
                    + "have passed since the customer last replied to this number.");
        }

        /** 131048, the number may send fewer messages because earlier ones were blocked or reported. HTTP 429. */
        public static GraphError spamRateLimitHit() {
            return of(429, 131048, "Spam rate limit hit", "Message failed to send because there are restrictions "
                    + "on how many messages can be sent from this phone number. This may be because too many "
                    + "previous messages were blocked or flagged as spam.");
        }

        /** 131000, Meta's unknown failure. HTTP 500. */
        public static GraphError somethingWentWrong() {
            return of(500, 131000, "Something went wrong", "Message failed to send due to an unknown error.");
        }

        /** 190 with subcode 463, the token's session expired an hour ago, in the Graph API's words. HTTP 401. */
        public static GraphError accessTokenExpired() {
            ZoneId pacific = ZoneId.of("America/Los_Angeles");
            Instant now = Instant.now();
            return new GraphError(401, "Error validating access token: Session has expired on "
                    + GRAPH_TIME.format(now.minus(Duration.ofHours(1)).atZone(pacific)) + ". The current time is "
                    + GRAPH_TIME.format(now.atZone(pacific)) + ".", OAUTH, 190, 463, null);
        }

        Map<String, Object> body() {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", message);
            error.put("type", type);
            error.put("code", code);
            if (details != null) {
                Map<String, Object> data = new LinkedHashMap<>();
                data.put("messaging_product", "whatsapp");
                data.put("details", details);
                error.put("error_data", data);
            }
            if (errorSubcode != null) {
                error.put("error_subcode", errorSubcode);
            }
            error.put("fbtrace_id", fbtraceId());
            return Map.of("error", error);
        }
    }

    /**
     * A message the server accepted on {@code /messages}.
     *
     * @param to               as the request named the recipient
     * @param type             {@code text} unless the request said otherwise
     * @param text             {@code text.body}; {@code null} for other types
     * @param contextMessageId {@code context.message_id}, the message replied to; {@code null} when none
     * @param wamid            the id the answer carried
     */
    public record SentMessage(String phoneNumberId, String to, String type, String text, String contextMessageId,
                              String wamid, Instant sentAt) {
    }

    /** A {@code "status":"read"} call: the user's message marked read, with the typing indicator when asked. */
    public record ReadReceipt(String phoneNumberId, String messageId, boolean typing, Instant receivedAt) {
    }

    /** Meta's default throughput per business phone number (developers.facebook.com/docs/whatsapp/throughput). */
    public static final int DEFAULT_MESSAGES_PER_SECOND = 80;
    /** Meta's pair rate: one message every 6 seconds to the same user on average. */
    public static final Duration DEFAULT_PAIR_INTERVAL = Duration.ofSeconds(6);
    /** Meta's pair burst: up to 45 messages in a 6-second burst, borrowed against the following quota. */
    public static final int DEFAULT_PAIR_BURST = 45;

    static final int MAX_TEXT_LENGTH = 4096;
    private static final String OAUTH = "OAuthException";
    private static final DateTimeFormatter GRAPH_TIME =
            DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US);
    private static final Pattern PATH = Pattern.compile("/(v\\d+\\.\\d+)/([^/]+)/([^/]+)/?");
    private static final String FBTRACE_CHARACTERS =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    private final Map<String, PhoneNumber> numbers = new ConcurrentHashMap<>();
    private final Map<String, BusinessAccount> accounts = new ConcurrentHashMap<>();
    private final Set<String> expiredTokens = ConcurrentHashMap.newKeySet();
    private final Queue<SentMessage> sent = new ConcurrentLinkedQueue<>();
    private final Queue<ReadReceipt> readReceipts = new ConcurrentLinkedQueue<>();
    private final Map<Integer, LongAdder> refusals = new ConcurrentHashMap<>();
    private final AtomicLong lastWamid = new AtomicLong();
    private volatile int messagesPerSecond = DEFAULT_MESSAGES_PER_SECOND;
    private volatile Duration pairInterval = DEFAULT_PAIR_INTERVAL;
    private volatile int pairBurst = DEFAULT_PAIR_BURST;
    private volatile InstantSource clock = InstantSource.system();

    private WhatsAppGraphApiServer() {
    }

    /** Starts on a free port. */
    public static WhatsAppGraphApiServer start() {
        return start(0);
    }

    public static WhatsAppGraphApiServer start(int port) {
        WhatsAppGraphApiServer server = new WhatsAppGraphApiServer();
        server.listen(port, "/");
        return server;
    }

    /**
     * Makes {@code accessToken} valid for sending from {@code phoneNumberId}. A number may have several tokens (a
     * system user's and an app's); a token may serve several numbers. A token that serves neither the number nor any
     * account is answered 190; a valid token used for a number it does not serve is answered as an unknown object.
     */
    public void registerNumber(String phoneNumberId, String accessToken) {
        PhoneNumber number = numbers.computeIfAbsent(phoneNumberId, id -> new PhoneNumber());
        synchronized (number) {
            number.tokens.add(accessToken);
        }
    }

    /**
     * Makes {@code accessToken} valid for {@code wabaId}'s {@code subscribed_apps}, as a token of app {@code appId}:
     * a POST with it subscribes that app.
     */
    public void registerBusinessAccount(String wabaId, String accessToken, String appId) {
        BusinessAccount account = accounts.computeIfAbsent(wabaId, id -> new BusinessAccount());
        synchronized (account) {
            account.appsByToken.put(accessToken, appId);
        }
    }

    /** From now on every call with {@code accessToken} answers 190 / 463, the session has expired. */
    public void expireToken(String accessToken) {
        expiredTokens.add(accessToken);
    }

    /**
     * The next {@code /messages} call for {@code phoneNumberId} (after the token check) answers {@code error}
     * instead; several queued errors answer calls in order. A WhatsApp Business Account id works too: then the next
     * {@code subscribed_apps} call of that account is refused.
     */
    public void refuseNext(String phoneNumberId, GraphError error) {
        scriptRefusal(phoneNumberId, error);
    }

    /**
     * Messages a second each business number may send before 130429: a token bucket holding one second's worth,
     * refilled continuously; a new limit starts with a full bucket. {@value #DEFAULT_MESSAGES_PER_SECOND} unless
     * set, Meta's default.
     */
    public void throughputLimit(int messagesPerSecond) {
        if (messagesPerSecond < 1) {
            throw new IllegalArgumentException("at least one message a second");
        }
        this.messagesPerSecond = messagesPerSecond;
    }

    /**
     * Meta's pair rate limit per business number and recipient: on average one message every {@code interval};
     * up to {@code burst} messages may go within one {@code interval} of the first, and each borrows an
     * {@code interval}, so the pair then waits until the borrowed time has passed (131056 until then). 6 s and 45
     * unless set, Meta's figures. {@link Duration#ZERO} turns the limit off. Setting it forgets what pairs have
     * borrowed, so a loosened limit holds at once.
     */
    public void pairRateLimit(Duration interval, int burst) {
        if (interval.isNegative() || burst < 1) {
            throw new IllegalArgumentException("a non-negative interval and a burst of at least one message");
        }
        this.pairInterval = interval;
        this.pairBurst = burst;
        numbers.values().forEach(PhoneNumber::forgetPairs);
    }

    /** The time the rate limits and the records read; a test may step it instead of sleeping. */
    public void clock(InstantSource clock) {
        this.clock = clock;
    }

    /** Every message accepted so far, oldest first. */
    public List<SentMessage> sentMessages() {
        return List.copyOf(sent);
    }

    /** The messages accepted from one business number, oldest first. */
    public List<SentMessage> sentMessages(String phoneNumberId) {
        return sent.stream().filter(message -> message.phoneNumberId().equals(phoneNumberId)).toList();
    }

    /** Every accepted {@code "status":"read"} call, oldest first. */
    public List<ReadReceipt> readReceipts() {
        return List.copyOf(readReceipts);
    }

    /** The ids of the apps subscribed to the account's webhooks, in the order they subscribed. */
    public List<String> subscribedApps(String wabaId) {
        BusinessAccount account = accounts.get(wabaId);
        if (account == null) {
            return List.of();
        }
        synchronized (account) {
            return List.copyOf(account.subscribed);
        }
    }

    /**
     * How many error answers the server gave, by Graph error code (130429 and 131056 are the rate limits), scripted
     * ones included. A load harness reports these as its 429-like answers.
     */
    public Map<Integer, Long> refusals() {
        Map<Integer, Long> counts = new HashMap<>();
        refusals.forEach((code, count) -> counts.put(code, count.sum()));
        return Map.copyOf(counts);
    }

    /** How many error answers carried Graph error {@code code}. */
    public long refusals(int code) {
        LongAdder count = refusals.get(code);
        return count == null ? 0 : count.sum();
    }

    /** Also forgets sent messages, read receipts and refusal counts; rate limit state is kept. */
    @Override
    public void clearCalls() {
        super.clearCalls();
        sent.clear();
        readReceipts.clear();
        refusals.clear();
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        String rawPath = exchange.getRequestURI().getRawPath();
        Matcher path = PATH.matcher(rawPath);
        if (!path.matches()) {
            // What the Graph API answers for a path it cannot map to a node and edge.
            refuse(exchange, new GraphError(400, "Unknown path components: " + rawPath, OAUTH, 2500, null, null));
            return;
        }
        String objectId = URLDecoder.decode(path.group(2), StandardCharsets.UTF_8);
        String edge = path.group(3);
        String httpMethod = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        Map<String, String> parameters;
        try {
            parameters = RequestParameters.read(exchange, JSON);
        } catch (RequestParameters.MalformedBody e) {
            record(exchange, edge, Map.of(), bearer(exchange));
            refuse(exchange, invalidParameter(e.getMessage() + " (simulator)"));
            return;
        }
        String token = token(exchange, parameters);
        record(exchange, edge, parameters, token);

        if (token == null) {
            refuse(exchange, new GraphError(400, "An access token is required to request this resource.", OAUTH,
                    104, null, null));
            return;
        }
        if (!isKnown(token)) {
            refuse(exchange, new GraphError(401, "Invalid OAuth access token - Cannot parse access token", OAUTH,
                    190, null, null));
            return;
        }
        if (expiredTokens.contains(token)) {
            refuse(exchange, GraphError.accessTokenExpired());
            return;
        }
        switch (edge) {
            case "messages" -> messages(exchange, httpMethod, objectId, token, parameters);
            case "subscribed_apps" -> subscribedApps(exchange, httpMethod, objectId, token);
            default -> refuse(exchange, new GraphError(400, "Unknown path components: /" + edge, OAUTH, 2500,
                    null, null));
        }
    }

    private void messages(HttpExchange exchange, String httpMethod, String phoneNumberId, String token,
                          Map<String, String> parameters) throws IOException {
        PhoneNumber number = numbers.get(phoneNumberId);
        if (!httpMethod.equals("POST") || number == null || !number.serves(token)) {
            refuse(exchange, unsupported(httpMethod, phoneNumberId));
            return;
        }
        Optional<GraphError> scripted = nextRefusal(phoneNumberId);
        if (scripted.isPresent()) {
            refuse(exchange, scripted.get());
            return;
        }
        String product = parameters.get("messaging_product");
        if (product == null) {
            refuse(exchange, invalidParameter("(#100) The parameter messaging_product is required."));
            return;
        }
        if (!product.equals("whatsapp")) {
            refuse(exchange, invalidParameter("(#100) Invalid parameter", "messaging_product must be whatsapp "
                    + "(simulator)"));
            return;
        }
        if (parameters.containsKey("status")) {
            markRead(exchange, phoneNumberId, parameters);
        } else {
            send(exchange, phoneNumberId, number, parameters);
        }
    }

    /** A read receipt, optionally with the typing indicator; neither counts against the message rate limits. */
    private void markRead(HttpExchange exchange, String phoneNumberId, Map<String, String> parameters)
            throws IOException {
        if (!parameters.get("status").equals("read")) {
            refuse(exchange, invalidParameter("(#100) Invalid parameter", "status must be read (simulator)"));
            return;
        }
        String messageId = parameters.get("message_id");
        if (messageId == null || messageId.isBlank()) {
            refuse(exchange, invalidParameter("(#100) The parameter message_id is required."));
            return;
        }
        boolean typing = parameters.containsKey("typing_indicator");
        if (typing && !"text".equals(object(parameters.get("typing_indicator")).path("type").asText(null))) {
            refuse(exchange, invalidParameter("(#100) Invalid parameter",
                    "typing_indicator.type must be text (simulator)"));
            return;
        }
        if (keepsCalls()) {
            readReceipts.add(new ReadReceipt(phoneNumberId, messageId, typing, clock.instant()));
        }
        reply(exchange, 200, Map.of("success", true));
    }

    private void send(HttpExchange exchange, String phoneNumberId, PhoneNumber number, Map<String, String> parameters)
            throws IOException {
        String to = parameters.get("to");
        if (to == null || to.isBlank()) {
            refuse(exchange, invalidParameter("(#100) The parameter to is required."));
            return;
        }
        // The Cloud API documents text as the type when none is given.
        String type = parameters.getOrDefault("type", "text");
        if (!parameters.containsKey(type)) {
            refuse(exchange, invalidParameter("(#100) The parameter " + type + " is required."));
            return;
        }
        String text = null;
        if (type.equals("text")) {
            text = object(parameters.get("text")).path("body").asText(null);
            if (text == null || text.isEmpty()) {
                refuse(exchange, invalidParameter("(#100) The parameter text['body'] is required."));
                return;
            }
            // Counted in code points; Meta does not say which unit its limit counts.
            if (text.codePointCount(0, text.length()) > MAX_TEXT_LENGTH) {
                refuse(exchange, invalidParameter("(#100) Param text.body must be at most " + MAX_TEXT_LENGTH
                        + " characters long."));
                return;
            }
        }
        String contextMessageId = parameters.containsKey("context")
                ? object(parameters.get("context")).path("message_id").asText(null) : null;
        // Meta answers wa_id as the number's digits: "+1 650-555-1234" is user 16505551234.
        String waId = to.replaceAll("\\D", "");
        Instant now = clock.instant();
        GraphError limited = number.take(waId, now, messagesPerSecond, pairInterval, pairBurst);
        if (limited != null) {
            refuse(exchange, limited);
            return;
        }
        String wamid = nextWamid(phoneNumberId, waId);
        // Only tests read sent messages: a load run that keeps no calls keeps none of these either.
        if (keepsCalls()) {
            sent.add(new SentMessage(phoneNumberId, to, type, text, contextMessageId, wamid, now));
        }

        Map<String, Object> contact = new LinkedHashMap<>();
        contact.put("input", to);
        contact.put("wa_id", waId);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("messaging_product", "whatsapp");
        answer.put("contacts", List.of(contact));
        answer.put("messages", List.of(Map.of("id", wamid)));
        reply(exchange, 200, answer);
    }

    /**
     * {@code subscribed_apps} as the Cloud API documents it: POST subscribes the token's app and DELETE unsubscribes
     * it, both {@code {"success":true}}; GET lists {@code {"data":[{"whatsapp_business_api_data":{"id","link",
     * "name"}}]}}.
     */
    private void subscribedApps(HttpExchange exchange, String httpMethod, String wabaId, String token)
            throws IOException {
        BusinessAccount account = accounts.get(wabaId);
        String appId = account == null ? null : account.appOf(token);
        if (appId == null || !Set.of("GET", "POST", "DELETE").contains(httpMethod)) {
            refuse(exchange, unsupported(httpMethod, wabaId));
            return;
        }
        Optional<GraphError> scripted = nextRefusal(wabaId);
        if (scripted.isPresent()) {
            refuse(exchange, scripted.get());
            return;
        }
        synchronized (account) {
            switch (httpMethod) {
                case "POST" -> account.subscribed.add(appId);
                case "DELETE" -> account.subscribed.remove(appId);
                default -> {
                    List<Map<String, Object>> data = new ArrayList<>();
                    for (String subscribed : account.subscribed) {
                        Map<String, Object> app = new LinkedHashMap<>();
                        app.put("id", subscribed);
                        app.put("link", "https://www.facebook.com/games/?app_id=" + subscribed);
                        app.put("name", "Parley");
                        data.add(Map.of("whatsapp_business_api_data", app));
                    }
                    reply(exchange, 200, Map.of("data", data));
                    return;
                }
            }
        }
        reply(exchange, 200, Map.of("success", true));
    }

    private boolean isKnown(String token) {
        return numbers.values().stream().anyMatch(number -> number.serves(token))
                || accounts.values().stream().anyMatch(account -> account.appOf(token) != null);
    }

    /**
     * What the Graph API answers when the object does not exist or the token may not see it: it does not tell the
     * two apart.
     */
    private static GraphError unsupported(String httpMethod, String objectId) {
        return new GraphError(400, "Unsupported " + httpMethod.toLowerCase(Locale.ROOT) + " request. Object with ID '"
                + objectId + "' does not exist, cannot be loaded due to missing permissions, or does not support "
                + "this operation. Please read the Graph API documentation at "
                + "https://developers.facebook.com/docs/graph-api", "GraphMethodException", 100, 33, null);
    }

    private static GraphError invalidParameter(String message) {
        return new GraphError(400, message, OAUTH, 100, null, null);
    }

    private static GraphError invalidParameter(String message, String details) {
        return new GraphError(400, message, OAUTH, 100, null, details);
    }

    private void refuse(HttpExchange exchange, GraphError error) throws IOException {
        refusals.computeIfAbsent(error.code(), code -> new LongAdder()).increment();
        reply(exchange, error.httpStatus(), error.body());
    }

    /**
     * Real wamids are base64 of an opaque record naming the recipient; these are base64 too, unique per server, so
     * clients that keep them as opaque strings see their usual shape.
     */
    private String nextWamid(String phoneNumberId, String waId) {
        String opaque = "parley-sim:" + phoneNumberId + ":" + waId + ":" + lastWamid.incrementAndGet();
        return "wamid." + Base64.getEncoder().withoutPadding()
                .encodeToString(opaque.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON object parameter (flattened to its JSON text by {@link RequestParameters}); missing when it is not one. */
    private static JsonNode object(String json) {
        try {
            JsonNode node = json == null ? null : JSON.readTree(json);
            return node != null && node.isObject() ? node : JSON.missingNode();
        } catch (IOException e) {
            return JSON.missingNode();
        }
    }

    /** The Graph API takes the token from the Authorization bearer, else from an {@code access_token} parameter. */
    private static String token(HttpExchange exchange, Map<String, String> parameters) {
        String bearer = bearer(exchange);
        if (bearer != null) {
            return bearer;
        }
        String token = parameters.get("access_token");
        return token == null || token.isEmpty() ? null : token;
    }

    private static String bearer(HttpExchange exchange) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String bearer = authorization.substring(7).trim();
            return bearer.isEmpty() ? null : bearer;
        }
        return null;
    }

    /** Meta's trace ids are opaque, about 23 characters of base64url; only their presence matters to clients. */
    private static String fbtraceId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        StringBuilder id = new StringBuilder(23);
        for (int i = 0; i < 23; i++) {
            id.append(FBTRACE_CHARACTERS.charAt(random.nextInt(FBTRACE_CHARACTERS.length())));
        }
        return id.toString();
    }

    private static final class BusinessAccount {
        final Map<String, String> appsByToken = new HashMap<>();
        final Set<String> subscribed = new LinkedHashSet<>();

        synchronized String appOf(String token) {
            return appsByToken.get(token);
        }
    }

    /** A business phone number: the tokens that may send from it and its rate limit state. */
    private static final class PhoneNumber {
        final Set<String> tokens = new HashSet<>();
        final Map<String, Pair> pairs = new HashMap<>();
        double throughputTokens;
        int bucketLimit;
        Instant refilledAt;

        synchronized boolean serves(String token) {
            return tokens.contains(token);
        }

        synchronized void forgetPairs() {
            pairs.clear();
        }

        /**
         * Takes one message from the throughput bucket and the recipient's pair allowance, or neither: a refused
         * message was not sent, so it uses up nothing. Throughput is checked first, as it limits the whole number.
         *
         * @return the refusal, {@code null} when the message may go
         */
        synchronized GraphError take(String waId, Instant now, int perSecond, Duration interval, int burst) {
            // A new limit starts with a full bucket, so a test that loosens the limit gets it at once.
            if (refilledAt == null || perSecond != bucketLimit) {
                throughputTokens = perSecond;
                bucketLimit = perSecond;
                refilledAt = now;
            } else if (now.isAfter(refilledAt)) {
                throughputTokens = Math.min(perSecond,
                        throughputTokens + Duration.between(refilledAt, now).toNanos() / 1e9 * perSecond);
                refilledAt = now;
            }
            if (throughputTokens < 1) {
                return GraphError.throughputReached();
            }
            if (!interval.isZero()) {
                Pair pair = pairs.computeIfAbsent(waId, id -> new Pair());
                if (!pair.take(now, interval, burst)) {
                    return GraphError.pairRateLimitHit();
                }
            }
            throughputTokens -= 1;
            return null;
        }
    }

    /**
     * Meta's pair rate limit as the throughput page describes it: a burst of up to {@code burst} messages may go
     * within one {@code interval}, each borrowing one {@code interval} from the future; after it, the pair waits
     * until all borrowed time has passed ("a burst of 20 messages in 6 seconds ... wait 2 minutes"). Sending one
     * message every {@code interval} never waits.
     */
    private static final class Pair {
        Instant repaidAt;
        Instant burstStart;
        int burstCount;

        boolean take(Instant now, Duration interval, int burst) {
            if (repaidAt == null || !now.isBefore(repaidAt)) {
                burstStart = now;
                burstCount = 1;
                repaidAt = now.plus(interval);
                return true;
            }
            if (now.isBefore(burstStart.plus(interval)) && burstCount < burst) {
                burstCount++;
                repaidAt = repaidAt.plus(interval);
                return true;
            }
            return false;
        }
    }
}
