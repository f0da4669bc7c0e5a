package dev.parley.adapter.slack;

import static dev.parley.adapter.slack.SlackCredentials.SIGNING_SECRET;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.gson.Gson;
import com.slack.api.SlackConfig;
import com.slack.api.model.File;
import com.slack.api.model.event.AppMentionEvent;
import com.slack.api.model.event.MessageChangedEvent;
import com.slack.api.model.event.MessageEvent;
import com.slack.api.util.json.GsonFactory;
import dev.parley.contract.Attachment;
import dev.parley.contract.ChatKind;
import dev.parley.contract.ChatRef;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.Sender;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack's inbound room: checks an Events API request's signature, answers Slack's URL verification, and turns a
 * person's message to the bot into an {@link InboundMessage}, acknowledging every other event with no message.
 *
 * <p>Which events are questions:
 * <ul>
 *   <li>a {@code message} in a direct message ({@code channel_type} {@code im}), plain, with files ({@code file_share})
 *       or a thread reply also sent to the conversation ({@code thread_broadcast});</li>
 *   <li>an {@code app_mention} in any other conversation (channel, private channel, group DM), of the same three kinds.
 *       The plain {@code message} events of those conversations are acknowledged: the ones that address the bot
 *       arrive again as {@code app_mention}, and taking both would answer twice.</li>
 * </ul>
 *
 * <p>Edits follow Telegram's rule: an edit is a correction of the question. In a direct message a
 * {@code message_changed} whose text changed goes on as a new question; in a channel only when the edited text
 * addresses the bot, which Slack reports by sending the {@code app_mention} again with {@code edited} (the channel's
 * {@code message_changed} is acknowledged, as its plain messages are). The correction keeps the message's {@code ts},
 * so the answer goes where the first one went, but is deduplicated on its own {@code event_id}, so the original does
 * not swallow it; it carries no attachments, because an edit only changes text. A {@code message_changed} that leaves
 * the text as it was (a link preview added, a thread's reply count, a deleted thread parent's tombstone) is no edit.
 * Deletions ({@code message_deleted}) and every other subtype ({@code bot_message}, {@code channel_join}, topics, pins,
 * canvas mentions, subtypes newer than this adapter) are acknowledged.
 *
 * <p>Messages of bots are acknowledged: those with a {@code bot_id}, those of the bot user itself (Slack sends the
 * bot's own answers back as events) and Slackbot's notices. Parley answers people; bots answering bots loop.
 *
 * <p>Threads: in a channel the thread is the conversation. A mention outside a thread starts one at its own
 * {@code ts}, so the answer is threaded under it and later mentions in that thread continue the same conversation.
 * In a direct message the conversation is the DM itself; a question asked in a thread is answered in that thread.
 *
 * <p>Redeliveries ({@code X-Slack-Retry-Num}) carry the same {@code event_id}, the dedup id; nothing else about a
 * retry is read.
 */
public final class SlackInbound {

    public static final String SIGNATURE_HEADER = "X-Slack-Signature";
    public static final String TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";

    /**
     * The credential under which the hub stores the bot's own user id ({@code U…}), as {@code auth.test} reports it
     * ({@code user_id}; {@code SlackRegistration} answers it as {@code botUserId}). Mentions are stripped and the bot's
     * own messages recognised by it; without it the event's {@code authorizations} entry for the bot stands in.
     */
    public static final String BOT_USER_ID_ATTRIBUTE = "botUserId";

    /** Events stay within tens of kilobytes (Slack cuts message text at 40,000 characters): 1 MiB is not one. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    /** How far a request's timestamp may be from now, either way, before it counts as replayed (Slack's advice). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);

    private static final InboundOutcome NOTHING = new InboundOutcome.Accepted(List.of());
    private static final String SIGNATURE_VERSION = "v0";
    private static final String SLACKBOT = "USLACKBOT";
    /** Subtypes that are still a person's message: with files, or a thread reply shown in the conversation too. */
    private static final Set<String> SPOKEN_SUBTYPES = Set.of("file_share", "thread_broadcast");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,18}");
    /** Slack's markup in message text: {@code <@U…|name>}, {@code <#C…>}, {@code <!here>}, {@code <url|label>}. */
    private static final Pattern MARKUP = Pattern.compile("<([^<>]*)>");
    /** A message {@code ts}: seconds and microseconds. */
    private static final Pattern TS = Pattern.compile("([0-9]{1,12})(?:\\.([0-9]{1,6}))?");
    /** The SDK's own reading of event JSON, with its adapters for files and the rest of Slack's model. */
    private static final Gson SLACK_MODEL = GsonFactory.createSnakeCase(new SlackConfig());

    private final ObjectMapper json;
    private final Clock clock;

    public SlackInbound(ObjectMapper json, Clock clock) {
        // A copy, so the hub's shared mapper keeps its settings: a JSON value followed by more is not one event.
        this.json = json.copy().configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        this.clock = clock;
    }

    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        InboundOutcome.Refused unsigned = checkSignature(bot, payload);
        if (unsigned != null) {
            return unsigned;
        }
        return parse(bot, payload.body());
    }

    /**
     * Reads one Events API payload, from a webhook call whose signature was checked or from a Socket Mode envelope
     * (whose connection the app token authenticated): a question becomes an {@link InboundMessage}, every other
     * event is acknowledged with none.
     */
    public InboundOutcome parse(BotProfile bot, byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            return new InboundOutcome.Refused(413, "body larger than 1 MiB");
        }
        JsonNode envelope;
        try {
            envelope = json.readTree(body);
        } catch (IOException e) {
            return new InboundOutcome.Refused(400, "body is not valid JSON");
        }
        if (envelope == null || !envelope.isObject()) {
            return new InboundOutcome.Refused(400, "body must be a JSON object");
        }
        return switch (envelope.path("type").asText("")) {
            case "url_verification" -> verifyUrl(envelope);
            case "event_callback" -> event(bot, envelope);
            // app_rate_limited and whatever Slack adds later: acknowledged, as a refusal would only be retried.
            default -> NOTHING;
        };
    }

    // ---------------------------------------------------------------------------------------------------------
    // Authenticity

    /** {@code null} when the request is Slack's, signed with the bot's signing secret within the allowed skew. */
    private InboundOutcome.Refused checkSignature(BotProfile bot, InboundPayload payload) {
        String secret = bot.credential(SIGNING_SECRET);
        if (secret == null || secret.isEmpty()) {
            return new InboundOutcome.Refused(401, "the bot has no " + SIGNING_SECRET
                    + "; add the app's signing secret from its Basic Information page");
        }
        String presented = payload.header(SIGNATURE_HEADER);
        if (presented == null) {
            return new InboundOutcome.Refused(401, "missing " + SIGNATURE_HEADER + " header");
        }
        String timestamp = payload.header(TIMESTAMP_HEADER);
        if (timestamp == null) {
            return new InboundOutcome.Refused(401, "missing " + TIMESTAMP_HEADER + " header");
        }
        if (!DIGITS.matcher(timestamp).matches()) {
            return new InboundOutcome.Refused(401, TIMESTAMP_HEADER + " is not a Unix time in seconds");
        }
        long sent = Long.parseLong(timestamp);
        long now = clock.instant().getEpochSecond();
        long skew = MAX_CLOCK_SKEW.toSeconds();
        if (sent < now - skew || sent > now + skew) {
            return new InboundOutcome.Refused(401, TIMESTAMP_HEADER + " is more than 5 minutes away from now: "
                    + "a replayed request, or a clock that is off");
        }
        // Constant time, so the answer's timing does not tell a caller how much of a forged signature was right.
        byte[] expected = signature(secret, timestamp, payload.body()).getBytes(UTF_8);
        if (!MessageDigest.isEqual(presented.getBytes(UTF_8), expected)) {
            return new InboundOutcome.Refused(401, SIGNATURE_HEADER + " does not match the body signed with the "
                    + "app's signing secret");
        }
        return null;
    }

    /** {@code v0=} and the hex HMAC-SHA256, keyed with the signing secret, of {@code v0:<timestamp>:<raw body>}. */
    static String signature(String signingSecret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingSecret.getBytes(UTF_8), "HmacSHA256"));
            mac.update((SIGNATURE_VERSION + ":" + timestamp + ":").getBytes(UTF_8));
            return SIGNATURE_VERSION + "=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Envelopes

    private static InboundOutcome verifyUrl(JsonNode envelope) {
        JsonNode challenge = envelope.get("challenge");
        if (challenge == null || !challenge.isTextual() || challenge.asText().isEmpty()) {
            return new InboundOutcome.Refused(400, "url_verification has no challenge");
        }
        return new InboundOutcome.Answered(200, "text/plain", challenge.asText());
    }

    private InboundOutcome event(BotProfile bot, JsonNode envelope) {
        JsonNode eventId = envelope.get("event_id");
        if (eventId == null || !eventId.isTextual() || eventId.asText().isEmpty()) {
            return new InboundOutcome.Refused(400, "event_callback has no event_id");
        }
        JsonNode event = envelope.get("event");
        if (event == null || !event.isObject()) {
            return new InboundOutcome.Refused(400, "event_callback has no event object");
        }
        String type = event.path("type").asText("");
        String subtype = event.hasNonNull("subtype") ? event.path("subtype").asText() : null;
        if (!type.equals("message") && !type.equals("app_mention")) {
            return NOTHING;
        }
        if (subtype != null && !SPOKEN_SUBTYPES.contains(subtype) && !subtype.equals("message_changed")) {
            return NOTHING;
        }
        Self self = Self.of(bot, envelope);
        Said said;
        try {
            said = switch (type) {
                case "app_mention" -> mention(self, slackModel(event, AppMentionEvent.class));
                default -> subtype == null || SPOKEN_SUBTYPES.contains(subtype)
                        ? directMessage(self, slackModel(event, MessageEvent.class))
                        : directMessageEdit(self, slackModel(event, MessageChangedEvent.class));
            };
        } catch (RuntimeException e) {
            // Gson's and the SDK's adapters throw several unchecked kinds for values of the wrong shape.
            return new InboundOutcome.Refused(400, "event is not a Slack " + type + " event"
                    + (subtype == null ? "" : " of subtype " + subtype));
        }
        if (said == null) {
            return NOTHING;
        }
        if (said.channel() == null || said.ts() == null) {
            return new InboundOutcome.Refused(400, type + " event has no channel or no ts");
        }
        String text = self.withoutMention(said.text());
        List<Attachment> attachments = said.files().stream().filter(Objects::nonNull)
                .filter(file -> file.getId() != null).map(SlackInbound::attachmentOf).toList();
        if (text.isBlank() && attachments.isEmpty()) {
            // A bare mention, an emptied message, a file Slack withheld: nothing to answer.
            return NOTHING;
        }
        InboundMessage inbound = new InboundMessage(UUID.randomUUID().toString(), Platform.SLACK, bot.botId(),
                said.ts(), new ChatRef(said.channel(), said.kind(), said.threadId()),
                new Sender(said.user(), said.displayName(), false), text, attachments, null, true,
                instantOf(said.sentAt()), clock.instant(), eventId.asText());
        return new InboundOutcome.Accepted(List.of(inbound));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Events

    /** What a person said, wherever Slack put it in the event. */
    private record Said(String channel, ChatKind kind, String threadId, String ts, String user, String displayName,
                        String text, List<File> files, String sentAt) {
    }

    private static Said directMessage(Self self, MessageEvent message) {
        if (!isDirect(message.getChannelType(), message.getChannel())
                || !self.isPerson(message.getUser(), message.getBotId())) {
            return null;
        }
        return new Said(message.getChannel(), ChatKind.DIRECT, dmThread(message.getThreadTs(), message.getTs()),
                message.getTs(), message.getUser(), null, message.getText(), listOf(message.getFiles()),
                message.getTs());
    }

    private static Said directMessageEdit(Self self, MessageChangedEvent change) {
        MessageChangedEvent.Message now = change.getMessage();
        if (!isDirect(change.getChannelType(), change.getChannel()) || now == null || now.getSubtype() != null
                || !self.isPerson(now.getUser(), now.getBotId())) {
            return null;
        }
        MessageChangedEvent.Message before = change.getPreviousMessage() == null
                ? null : change.getPreviousMessage().getMessage();
        if (before != null && Objects.equals(before.getText(), now.getText())) {
            return null;
        }
        String editedAt = now.getEdited() != null && now.getEdited().getTs() != null ? now.getEdited().getTs()
                : change.getTs();
        return new Said(change.getChannel(), ChatKind.DIRECT, dmThread(now.getThreadTs(), now.getTs()), now.getTs(),
                now.getUser(), null, now.getText(), List.of(), editedAt);
    }

    private static Said mention(Self self, AppMentionEvent mention) {
        String subtype = mention.getSubtype();
        if ((subtype != null && !SPOKEN_SUBTYPES.contains(subtype))
                || !self.isPerson(mention.getUser(), mention.getBotId())) {
            return null;
        }
        if (mention.getChannel() != null && mention.getChannel().startsWith("D")) {
            // Slack sends no app_mention in direct messages; should it ever, message.im has the question already.
            return null;
        }
        boolean edited = mention.getEdited() != null;
        String thread = mention.getThreadTs() != null ? mention.getThreadTs() : mention.getTs();
        String sentAt = edited && mention.getEdited().getTs() != null ? mention.getEdited().getTs() : mention.getTs();
        return new Said(mention.getChannel(), ChatKind.GROUP, thread, mention.getTs(), mention.getUser(),
                displayName(mention.getUserProfile()), mention.getText(),
                edited ? List.of() : listOf(mention.getFiles()), sentAt);
    }

    /** A direct message: {@code channel_type im}, or a {@code D…} channel in events older than that field. */
    private static boolean isDirect(String channelType, String channel) {
        return channelType == null ? channel != null && channel.startsWith("D") : channelType.equals("im");
    }

    /** A thread parent's own {@code thread_ts} is its {@code ts}: that message is in the DM, not in a thread. */
    private static String dmThread(String threadTs, String ts) {
        return threadTs == null || threadTs.equals(ts) ? null : threadTs;
    }

    private static String displayName(AppMentionEvent.UserProfile profile) {
        if (profile == null) {
            return null;
        }
        for (String name : new String[] {profile.getDisplayName(), profile.getRealName(), profile.getName()}) {
            if (name != null && !name.isBlank()) {
                return name;
            }
        }
        return null;
    }

    private static List<File> listOf(List<File> files) {
        return files == null ? List.of() : files;
    }

    /**
     * Binds an event to the SDK's model. Blocks and legacy attachments are left out: Parley reads neither, and a block
     * type newer than the SDK must not turn an authenticated event into a refusal that Slack retries.
     */
    private static <T> T slackModel(JsonNode event, Class<T> type) {
        ObjectNode trimmed = (ObjectNode) event.deepCopy();
        withoutDecoration(trimmed);
        for (String nested : List.of("message", "previous_message")) {
            if (trimmed.get(nested) instanceof ObjectNode message) {
                withoutDecoration(message);
            }
        }
        return SLACK_MODEL.fromJson(trimmed.toString(), type);
    }

    private static void withoutDecoration(ObjectNode message) {
        message.remove(List.of("blocks", "attachments", "bot_profile"));
    }

    /** Slack names a file's kind by MIME type; Parley's placeholders use the words Telegram's adapter uses. */
    private static Attachment attachmentOf(File file) {
        String mime = file.getMimetype();
        String kind = mime == null ? "document" : switch (mime.toLowerCase(Locale.ROOT).split("/", 2)[0]) {
            case "image" -> "photo";
            case "audio" -> "audio";
            case "video" -> "video";
            default -> "document";
        };
        Long size = file.getSize() == null ? null : file.getSize().longValue();
        return new Attachment(kind, file.getId(), mime, size, file.getName());
    }

    /** Slack's {@code ts} is {@code seconds.microseconds}; anything else has no time Parley can read. */
    private static Instant instantOf(String ts) {
        if (ts == null) {
            return null;
        }
        Matcher parts = TS.matcher(ts);
        if (!parts.matches()) {
            return null;
        }
        long micros = parts.group(2) == null ? 0 : Long.parseLong((parts.group(2) + "00000").substring(0, 6));
        return Instant.ofEpochSecond(Long.parseLong(parts.group(1)), micros * 1000);
    }

    // ---------------------------------------------------------------------------------------------------------
    // The bot itself

    /** The bot as events name it: its user id, from the hub's attribute or the event's authorization for the bot. */
    private record Self(String userId) {

        static Self of(BotProfile bot, JsonNode envelope) {
            String attribute = bot.credential(BOT_USER_ID_ATTRIBUTE);
            if (attribute != null && !attribute.isBlank()) {
                return new Self(attribute.strip());
            }
            // Slack names one installation the event is for; for a bot token that is the bot user.
            for (JsonNode authorization : envelope.path("authorizations")) {
                if (authorization.path("is_bot").asBoolean(false) && authorization.path("user_id").isTextual()) {
                    return new Self(authorization.path("user_id").asText());
                }
            }
            return new Self(null);
        }

        /** A person's message: not a bot's ({@code bot_id}), not the bot user's own, not Slackbot's. */
        boolean isPerson(String user, String botId) {
            return user != null && !user.isEmpty() && botId == null && !user.equals(userId) && !user.equals(SLACKBOT);
        }

        /**
         * The question as a person reads it: mentions of this bot taken out, Slack's markup for other mentions,
         * channels and links written as text, and {@code &amp;}, {@code &lt;}, {@code &gt;} decoded.
         */
        String withoutMention(String text) {
            if (text == null) {
                return "";
            }
            String rest = text;
            if (userId != null) {
                // The mention and the spaces around it go; the words either side stay apart.
                rest = rest.replaceAll("[ \\t]*<@" + Pattern.quote(userId) + "(?:\\|[^<>]*)?>[ \\t]*", " ");
            }
            Matcher markup = MARKUP.matcher(rest);
            StringBuilder plain = new StringBuilder();
            while (markup.find()) {
                markup.appendReplacement(plain, Matcher.quoteReplacement(readable(markup.group(1))));
            }
            markup.appendTail(plain);
            return plain.toString().strip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        }

        private String readable(String inside) {
            int bar = inside.indexOf('|');
            String target = bar < 0 ? inside : inside.substring(0, bar);
            String label = bar < 0 ? null : inside.substring(bar + 1);
            if (target.startsWith("@")) {
                return label != null && !label.isEmpty() ? "@" + label : "<" + inside + ">";
            }
            if (target.startsWith("#")) {
                return label != null && !label.isEmpty() ? "#" + label : "<" + inside + ">";
            }
            if (target.startsWith("!")) {
                // <!here>, <!channel>, <!everyone>, <!subteam^S…|@team>, <!date^…|fallback>
                return label != null && !label.isEmpty() ? label : "@" + target.substring(1);
            }
            if (label == null || label.isEmpty() || label.equals(target)
                    || target.equals("mailto:" + label)) {
                return target.startsWith("mailto:") ? target.substring("mailto:".length()) : target;
            }
            return "[" + label + "](" + target + ")";
        }
    }
}
