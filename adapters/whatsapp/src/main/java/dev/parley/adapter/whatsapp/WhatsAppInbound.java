package dev.parley.adapter.whatsapp;

import static dev.parley.adapter.whatsapp.WhatsAppCredentials.APP_SECRET;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.PHONE_NUMBER_ID;
import static dev.parley.adapter.whatsapp.WhatsAppCredentials.VERIFY_TOKEN;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.Attachment;
import dev.parley.contract.ChatRef;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.Sender;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.DeliveryReceipt;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * WhatsApp's inbound room: answers Meta's webhook handshake, checks a callback's {@code X-Hub-Signature-256}, and turns
 * the {@code messages} field of a WhatsApp Business Account notification into {@link InboundMessage}s (what people
 * wrote to the number) and {@link DeliveryReceipt}s (what became of the messages Parley sent). Everything else is
 * acknowledged with neither, so that Meta does not deliver it again.
 *
 * <p>Requests:
 * <ul>
 *   <li>The handshake is a GET with an empty body and {@code hub.mode}, {@code hub.verify_token} and
 *       {@code hub.challenge} in the query. {@code hub.mode=subscribe} with the bot's verify token (compared in
 *       constant time) is answered with the challenge as {@code text/plain}; anything else is refused with 403, and a
 *       handshake without a challenge with 400.</li>
 *   <li>A callback is a POST whose {@code X-Hub-Signature-256} is {@code sha256=} and the hex HMAC-SHA256 of the raw
 *       body, keyed with the Meta app's secret. The signature is checked over the bytes exactly as received, never over
 *       re-serialised JSON, and compared in constant time; a missing, malformed or wrong one is refused with 401, as is
 *       every callback of a bot that has no app secret. A body over {@link #MAX_BODY_BYTES} is refused with 413 before
 *       anything is hashed. A body that is not JSON, not a {@code whatsapp_business_account} notification or has no
 *       {@code entry} array is refused with 400.</li>
 * </ul>
 *
 * <p>Which changes are read: only {@code entry[].changes[]} whose {@code field} is {@code messages} and whose
 * {@code value.metadata.phone_number_id} is the bot's {@code phoneNumberId}. One Meta app has one callback URL for
 * every number of every account it is subscribed to, so a bot's URL also receives the other numbers' traffic; that is
 * skipped, not refused (give each number its own callback override to stop it). A bot without a {@code phoneNumberId}
 * reads every number's. Every other field ({@code smb_message_echoes}, {@code account_update}, template and quality
 * updates, {@code history}, fields newer than this adapter) is acknowledged: none is a question.
 *
 * <p>Messages ({@code value.messages[]}) become one {@link InboundMessage} each, in a direct chat with the sender,
 * always addressed to the bot (a 1:1 chat has nobody else to address). The message's {@code id} (the wamid) is its
 * platform id and identifies Meta's redeliveries; {@code context.id} is what it replies to. What each {@code type}
 * becomes:
 * <ul>
 *   <li>{@code text}: its body.</li>
 *   <li>{@code image}, {@code audio}, {@code video}, {@code document}, {@code sticker}: a placeholder
 *       {@link Attachment} with the media id (to be fetched through the Graph API, never from the payload's
 *       {@code url}), MIME type and, for documents, file name; the caption, if any, is the text, else the text is
 *       empty, as Telegram's adapter does. Attachment types use the words of the other adapters: an image is a
 *       {@code photo}, a recorded audio ({@code voice: true}) a {@code voice}.</li>
 *   <li>{@code location}: the text {@code [location] <name>, <address> (<latitude>, <longitude>)}, without the parts
 *       the user did not share.</li>
 *   <li>{@code contacts}: the text {@code [contacts] <name>, <name>}: the shared cards' names, not their numbers.</li>
 *   <li>{@code interactive} {@code button_reply} or {@code list_reply}: the chosen row's or button's title, which is
 *       what the user saw and tapped; its id is the business's own label for the choice and is not passed on. Other
 *       interactive replies (Flows' {@code nfm_reply}, call permission replies) are acknowledged.</li>
 *   <li>{@code button} (a template's quick reply button): the button's text.</li>
 *   <li>{@code edit}: Telegram's edit rule. Meta sends it only for numbers shared with the WhatsApp Business app
 *       ("Coexistence"); it is a correction of a question and goes on as a new one, with the text or caption of the
 *       edited message. It keeps the original message's id ({@code edit.original_message_id}), so the answer replies to
 *       the corrected message, but is deduplicated on its own wamid, so the original does not swallow it; it carries no
 *       attachments, because an edit only changes text or caption and the media went with the original. Every other
 *       Cloud API number is told of an edit as {@code unsupported} with {@code unsupported.type} {@code edit} and
 *       without the new text (error 131051), which is acknowledged like any other {@code unsupported} message.</li>
 *   <li>{@code reaction}: acknowledged. A reaction is an answer to a message, not a question, and the model could only
 *       answer an emoji with noise.</li>
 *   <li>{@code revoke} (Coexistence numbers only) and {@code unsupported} (which is how other numbers learn of a
 *       deleted message, of polls, view-once media and everything else the API does not carry): acknowledged; there is
 *       nothing to read.</li>
 *   <li>{@code system} (a user changed number), {@code order} (a cart sent from the catalogue): acknowledged; neither
 *       is a question.</li>
 *   <li>{@code request_welcome} (the user opened the chat for the first time): acknowledged. It carries no words, and
 *       the question the user then writes arrives as a message of its own; a greeting is WhatsApp Manager's welcome
 *       message, not the model's.</li>
 *   <li>Types newer than this adapter: acknowledged.</li>
 * </ul>
 * Messages in a group ({@code group_id}, Meta's Groups API) are acknowledged: Parley answers WhatsApp's 1:1 chats only
 * and sends to individuals. Messages of the number itself ({@code from} equal to the value's
 * {@code display_phone_number} or {@code phone_number_id}) are acknowledged: Parley never answers its own words; the
 * messages a Coexistence number sends from the WhatsApp Business app arrive in {@code smb_message_echoes}, which is not
 * read at all. A user who adopted a WhatsApp username may come without a phone number ({@code from} empty); the chat is
 * then their business-scoped user id ({@code from_user_id}), to which Meta delivers replies too. The sender's name is
 * the {@code contacts[]} profile of their {@code wa_id} or {@code user_id}, or the only contact of the value.
 *
 * <p>Statuses ({@code value.statuses[]}: {@code sent}, {@code delivered}, {@code read}, {@code failed},
 * {@code played}) become one {@link DeliveryReceipt} each, with the first error's code and title of a failure. They
 * never become messages; the hub applies each (message, status) once, whatever the order Meta sends them in.
 *
 * <p>An item Parley cannot use (a message or status without its id, a message without a sender) is skipped rather than
 * refused: a refusal would make Meta send the whole batch, with its good items, again for a day and a half.
 */
public final class WhatsAppInbound {

    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    /**
     * Meta batches up to 1,000 updates in one callback (its webhook endpoint guide, "Batching"). The messages and
     * statuses of its examples weigh under a kilobyte each, so 4 MiB holds a full batch with room for long texts. A
     * genuine batch refused as too large would be sent again, and refused again, for 36 hours: the limit errs on the
     * large side, and still bounds what an unauthenticated caller can make Parley hash.
     */
    public static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    private static final String OBJECT = "whatsapp_business_account";

    private static final InboundOutcome NOTHING = new InboundOutcome.Accepted(List.of());
    private static final String SIGNATURE_PREFIX = "sha256=";
    private static final String HMAC = "HmacSHA256";
    private static final Pattern NOT_DIGITS = Pattern.compile("[^0-9]");

    private final ObjectMapper json;
    private final Clock clock;

    public WhatsAppInbound(ObjectMapper json) {
        this(json, Clock.systemUTC());
    }

    public WhatsAppInbound(ObjectMapper json, Clock clock) {
        // A copy, so the hub's shared mapper keeps its settings: a JSON value followed by more is not one notification.
        this.json = json.copy().configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        this.clock = clock;
    }

    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        if (payload.body().length == 0 && queryParameter(payload, "hub.mode") != null) {
            return handshake(bot, payload);
        }
        if (payload.body().length > MAX_BODY_BYTES) {
            return new InboundOutcome.Refused(413, "body larger than 4 MiB");
        }
        InboundOutcome.Refused unsigned = checkSignature(bot, payload);
        if (unsigned != null) {
            return unsigned;
        }
        return parse(bot, payload.body());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Authenticity

    private static InboundOutcome handshake(BotProfile bot, InboundPayload payload) {
        if (!"subscribe".equals(queryParameter(payload, "hub.mode"))) {
            return new InboundOutcome.Refused(403, "hub.mode must be subscribe");
        }
        String expected = bot.credential(VERIFY_TOKEN);
        if (expected == null || expected.isEmpty()) {
            return new InboundOutcome.Refused(403, "the bot has no " + VERIFY_TOKEN
                    + "; set the verify token entered in Meta's App Dashboard");
        }
        String presented = queryParameter(payload, "hub.verify_token");
        // Constant time, so the answer's timing does not tell a caller how much of a guessed token was right.
        if (presented == null || !MessageDigest.isEqual(presented.getBytes(UTF_8), expected.getBytes(UTF_8))) {
            return new InboundOutcome.Refused(403, "hub.verify_token does not match the bot's verify token");
        }
        String challenge = queryParameter(payload, "hub.challenge");
        if (challenge == null || challenge.isEmpty()) {
            return new InboundOutcome.Refused(400, "handshake has no hub.challenge");
        }
        return new InboundOutcome.Answered(200, "text/plain", challenge);
    }

    /** {@code null} when the body is signed with the bot's app secret. */
    private static InboundOutcome.Refused checkSignature(BotProfile bot, InboundPayload payload) {
        String secret = bot.credential(APP_SECRET);
        if (secret == null || secret.isEmpty()) {
            return new InboundOutcome.Refused(401, "the bot has no " + APP_SECRET
                    + "; add the Meta app's secret from App settings > Basic");
        }
        String presented = payload.header(SIGNATURE_HEADER);
        if (presented == null) {
            return new InboundOutcome.Refused(401, "missing " + SIGNATURE_HEADER + " header");
        }
        byte[] digest = digestOf(presented.strip());
        if (digest == null) {
            return new InboundOutcome.Refused(401, SIGNATURE_HEADER + " is not sha256=<hex>");
        }
        // Constant time over the digests, so the answer's timing does not tell how much of a forgery was right.
        if (!MessageDigest.isEqual(digest, hmac(secret, payload.body()))) {
            return new InboundOutcome.Refused(401, SIGNATURE_HEADER + " does not match the body signed with the "
                    + "app's secret");
        }
        return null;
    }

    /** The digest a {@code sha256=<hex>} header carries, or {@code null}. */
    private static byte[] digestOf(String header) {
        if (!header.regionMatches(true, 0, SIGNATURE_PREFIX, 0, SIGNATURE_PREFIX.length())) {
            return null;
        }
        try {
            return HexFormat.of().parseHex(header.substring(SIGNATURE_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code sha256=} and the lowercase hex HMAC-SHA256 of the raw body, keyed with the app secret: Meta's header. */
    static String signature(String appSecret, byte[] body) {
        return SIGNATURE_PREFIX + HexFormat.of().formatHex(hmac(appSecret, body));
    }

    private static byte[] hmac(String appSecret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(appSecret.getBytes(UTF_8), HMAC));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static String queryParameter(InboundPayload payload, String name) {
        List<String> values = payload.query().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Notifications

    private InboundOutcome parse(BotProfile bot, byte[] body) {
        JsonNode notification;
        try {
            notification = json.readTree(body);
        } catch (IOException e) {
            return new InboundOutcome.Refused(400, "body is not valid JSON");
        }
        if (notification == null || !notification.isObject()) {
            return new InboundOutcome.Refused(400, "body must be a JSON object");
        }
        if (!OBJECT.equals(textOf(notification, "object"))) {
            return new InboundOutcome.Refused(400, "object is not " + OBJECT);
        }
        JsonNode entries = notification.get("entry");
        if (entries == null || !entries.isArray()) {
            return new InboundOutcome.Refused(400, "notification has no entry array");
        }
        Self self = Self.of(bot);
        List<InboundMessage> messages = new ArrayList<>();
        List<DeliveryReceipt> receipts = new ArrayList<>();
        for (int e = 0; e < entries.size(); e++) {
            JsonNode changes = entries.get(e).get("changes");
            if (changes == null || !changes.isArray()) {
                return new InboundOutcome.Refused(400, "entry[" + e + "] has no changes array");
            }
            for (int c = 0; c < changes.size(); c++) {
                JsonNode change = changes.get(c);
                if (!"messages".equals(textOf(change, "field"))) {
                    continue;
                }
                JsonNode value = change.get("value");
                if (value == null || !value.isObject()) {
                    return new InboundOutcome.Refused(400, "entry[" + e + "].changes[" + c + "] has no value object");
                }
                if (!self.owns(value.path("metadata"))) {
                    continue;
                }
                for (JsonNode message : arrayOf(value, "messages")) {
                    InboundMessage inbound = messageOf(bot, self, value, message);
                    if (inbound != null) {
                        messages.add(inbound);
                    }
                }
                for (JsonNode status : arrayOf(value, "statuses")) {
                    DeliveryReceipt receipt = receiptOf(status);
                    if (receipt != null) {
                        receipts.add(receipt);
                    }
                }
            }
        }
        return messages.isEmpty() && receipts.isEmpty() ? NOTHING : new InboundOutcome.Accepted(messages, receipts);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Messages

    /** What a person said: the id the answer replies to, the redelivery id if it is another, and the content. */
    private record Said(String platformMessageId, String dedupId, Content content, String replyTo, Instant sentAt) {
    }

    private record Content(String text, List<Attachment> attachments) {

        static Content text(String text) {
            return text == null || text.isBlank() ? null : new Content(text, List.of());
        }

        boolean isEmpty() {
            return text.isBlank() && attachments.isEmpty();
        }
    }

    private InboundMessage messageOf(BotProfile bot, Self self, JsonNode value, JsonNode message) {
        String id = textOf(message, "id");
        if (id == null || message.hasNonNull("group_id")) {
            return null;
        }
        String from = textOf(message, "from");
        String userId = textOf(message, "from_user_id");
        String sender = from != null ? from : userId;
        if (sender == null || (from != null && self.isOwnNumber(from, value.path("metadata")))) {
            return null;
        }
        Said said = saidIn(id, message);
        if (said == null || said.content() == null || said.content().isEmpty()) {
            return null;
        }
        Sender person = new Sender(sender, nameOf(value, from, userId), false);
        return new InboundMessage(UUID.randomUUID().toString(), Platform.WHATSAPP, bot.botId(),
                said.platformMessageId(), ChatRef.direct(sender), person, said.content().text(),
                said.content().attachments(), said.replyTo(), true, said.sentAt(), clock.instant(), said.dedupId());
    }

    private static Said saidIn(String id, JsonNode message) {
        Instant sentAt = instantOf(message.get("timestamp"));
        if ("edit".equals(textOf(message, "type"))) {
            JsonNode edit = message.path("edit");
            String original = textOf(edit, "original_message_id");
            if (original == null) {
                return null;
            }
            JsonNode edited = edit.path("message");
            Content content = contentOf(edited);
            return new Said(original, id, content == null ? null : new Content(content.text(), List.of()),
                    textOf(edited.path("context"), "id"), sentAt);
        }
        return new Said(id, null, contentOf(message), textOf(message.path("context"), "id"), sentAt);
    }

    /** The words and media of a message, or {@code null} for a type that asks nothing. */
    private static Content contentOf(JsonNode message) {
        String type = textOf(message, "type");
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "text" -> Content.text(textOf(message.path("text"), "body"));
            case "image", "audio", "video", "document", "sticker" -> mediaOf(type, message.path(type));
            case "location" -> Content.text(locationOf(message.path("location")));
            case "contacts" -> Content.text(contactsOf(arrayOf(message, "contacts")));
            case "interactive" -> Content.text(choiceOf(message.path("interactive")));
            case "button" -> Content.text(textOf(message.path("button"), "text"));
            // reaction, unsupported, revoke, system, order, request_welcome and types newer than this adapter
            default -> null;
        };
    }

    private static Content mediaOf(String type, JsonNode media) {
        String mediaId = textOf(media, "id");
        if (mediaId == null) {
            return null;
        }
        String kind = switch (type) {
            case "image" -> "photo";
            case "audio" -> media.path("voice").asBoolean(false) ? "voice" : "audio";
            default -> type;
        };
        Attachment attachment = new Attachment(kind, mediaId, textOf(media, "mime_type"), null,
                "document".equals(type) ? textOf(media, "filename") : null);
        String caption = textOf(media, "caption");
        return new Content(caption == null ? "" : caption, List.of(attachment));
    }

    private static String locationOf(JsonNode location) {
        List<String> place = new ArrayList<>();
        for (String part : new String[] {textOf(location, "name"), textOf(location, "address")}) {
            if (part != null && !part.isBlank()) {
                place.add(part.strip());
            }
        }
        JsonNode latitude = location.get("latitude");
        JsonNode longitude = location.get("longitude");
        boolean located = latitude != null && latitude.isNumber() && longitude != null && longitude.isNumber();
        if (place.isEmpty() && !located) {
            return null;
        }
        StringBuilder text = new StringBuilder("[location]");
        if (!place.isEmpty()) {
            text.append(' ').append(String.join(", ", place));
        }
        if (located) {
            text.append(" (").append(latitude.asText()).append(", ").append(longitude.asText()).append(')');
        }
        return text.toString();
    }

    private static String contactsOf(List<JsonNode> contacts) {
        List<String> names = new ArrayList<>();
        for (JsonNode contact : contacts) {
            JsonNode name = contact.path("name");
            String formatted = textOf(name, "formatted_name");
            if (formatted == null || formatted.isBlank()) {
                formatted = (nonNull(textOf(name, "first_name")) + " " + nonNull(textOf(name, "last_name"))).strip();
            }
            if (!formatted.isBlank()) {
                names.add(formatted.strip());
            }
        }
        return names.isEmpty() ? null : "[contacts] " + String.join(", ", names);
    }

    private static String choiceOf(JsonNode interactive) {
        String kind = textOf(interactive, "type");
        if (!"button_reply".equals(kind) && !"list_reply".equals(kind)) {
            return null;
        }
        return textOf(interactive.path(kind), "title");
    }

    /** The sender's profile name: the contact with their wa_id or user id, else the value's only contact. */
    private static String nameOf(JsonNode value, String from, String userId) {
        List<JsonNode> contacts = arrayOf(value, "contacts");
        for (JsonNode contact : contacts) {
            String waId = textOf(contact, "wa_id");
            String contactUserId = textOf(contact, "user_id");
            if ((from != null && from.equals(waId)) || (userId != null && userId.equals(contactUserId))) {
                return profileName(contact);
            }
        }
        return contacts.size() == 1 ? profileName(contacts.get(0)) : null;
    }

    private static String profileName(JsonNode contact) {
        String name = textOf(contact.path("profile"), "name");
        return name == null || name.isBlank() ? null : name;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Statuses

    private static DeliveryReceipt receiptOf(JsonNode status) {
        String id = textOf(status, "id");
        String word = textOf(status, "status");
        if (id == null || word == null) {
            return null;
        }
        String recipient = textOf(status, "recipient_id");
        JsonNode error = status.path("errors").path(0);
        JsonNode code = error.get("code");
        return new DeliveryReceipt(id, word.toLowerCase(Locale.ROOT),
                recipient != null ? recipient : textOf(status, "recipient_user_id"), instantOf(status.get("timestamp")),
                code == null || code.isNull() || code.isContainerNode() ? null : code.asText(),
                textOf(error, "title"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // JSON

    /** A field's text when it is a non-empty string, else {@code null}: Meta sends absent values as {@code ""} too. */
    private static String textOf(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
    }

    private static List<JsonNode> arrayOf(JsonNode node, String field) {
        JsonNode array = node.get(field);
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<JsonNode> elements = new ArrayList<>(array.size());
        array.forEach(element -> {
            if (element.isObject()) {
                elements.add(element);
            }
        });
        return elements;
    }

    /** Meta's timestamps are Unix seconds, sent as strings. */
    private static Instant instantOf(JsonNode timestamp) {
        if (timestamp == null) {
            return null;
        }
        if (timestamp.isIntegralNumber()) {
            return Instant.ofEpochSecond(timestamp.asLong());
        }
        String text = timestamp.asText("");
        if (text.isEmpty() || text.length() > 12 || NOT_DIGITS.matcher(text).find()) {
            return null;
        }
        return Instant.ofEpochSecond(Long.parseLong(text));
    }

    private static String nonNull(String text) {
        return text == null ? "" : text;
    }

    // ---------------------------------------------------------------------------------------------------------
    // The number itself

    /** The business number the bot speaks for, by its Graph id. */
    private record Self(String phoneNumberId) {

        static Self of(BotProfile bot) {
            String id = bot.credential(PHONE_NUMBER_ID);
            return new Self(id == null || id.isBlank() ? null : id.strip());
        }

        /** A value for this bot's number; without a phone number id every number is the bot's. */
        boolean owns(JsonNode metadata) {
            return phoneNumberId == null || phoneNumberId.equals(textOf(metadata, "phone_number_id"));
        }

        /** The number's own words: sent from its display number, or from its Graph id. */
        boolean isOwnNumber(String from, JsonNode metadata) {
            String display = digits(textOf(metadata, "display_phone_number"));
            String sender = digits(from);
            return (!sender.isEmpty() && sender.equals(display)) || from.equals(textOf(metadata, "phone_number_id"));
        }

        private static String digits(String phone) {
            return phone == null ? "" : NOT_DIGITS.matcher(phone).replaceAll("");
        }
    }
}
