package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;
import static dev.parley.adapter.telegram.TelegramCredentials.WEBHOOK_SECRET;
import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.telegram.telegrambots.meta.api.objects.Audio;
import org.telegram.telegrambots.meta.api.objects.Document;
import org.telegram.telegrambots.meta.api.objects.EntityType;
import org.telegram.telegrambots.meta.api.objects.MessageEntity;
import org.telegram.telegrambots.meta.api.objects.Update;
import org.telegram.telegrambots.meta.api.objects.User;
import org.telegram.telegrambots.meta.api.objects.Video;
import org.telegram.telegrambots.meta.api.objects.Voice;
import org.telegram.telegrambots.meta.api.objects.chat.Chat;
import org.telegram.telegrambots.meta.api.objects.message.Message;
import org.telegram.telegrambots.meta.api.objects.photo.PhotoSize;
import org.telegram.telegrambots.meta.api.objects.stickers.Sticker;

/**
 * Telegram's inbound room: checks a webhook call's secret token, parses its {@link Update} and turns a person's
 * message into an {@link InboundMessage}, acknowledging every other kind of update with no message.
 *
 * <p>An {@code edited_message} is a correction of a question. In a private chat it goes on as a new question; in a
 * group only when the edited text addresses the bot. It keeps its message id, so the answer replies to the corrected
 * message, but is deduplicated on its own {@code update_id}, so the original does not swallow it; it carries no
 * attachments, because an edit only changes text or caption and the media went with the original.
 */
public final class TelegramInbound {

    public static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    /**
     * The credential under which the hub stores the bot's own username, as {@code getMe} reports it (with or without
     * the leading {@code @}). Group mentions and {@code /command@bot} need it; without it only replies to the bot's
     * messages count as addressing it in a group.
     */
    public static final String BOT_USERNAME_ATTRIBUTE = "botUsername";

    /** A Telegram update stays within tens of kilobytes (4,096-character texts, a quoted reply): 1 MiB is not one. */
    public static final int MAX_BODY_BYTES = 1024 * 1024;

    private static final InboundOutcome NOTHING = new InboundOutcome.Accepted(List.of());

    private final ObjectMapper json;
    private final Clock clock;

    public TelegramInbound(ObjectMapper json, Clock clock) {
        // A copy, so the hub's shared mapper keeps its settings: Telegram adds fields to updates with every Bot API
        // release, and a JSON value followed by anything else is not one update.
        this.json = json.copy()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        this.clock = clock;
    }

    public InboundOutcome receive(BotProfile bot, InboundPayload payload) {
        String expected = bot.credential(WEBHOOK_SECRET);
        if (expected == null || expected.isEmpty()) {
            return new InboundOutcome.Refused(401, "the bot has no webhook secret; register its webhook again");
        }
        String presented = payload.header(SECRET_HEADER);
        if (presented == null) {
            return new InboundOutcome.Refused(401, "missing " + SECRET_HEADER + " header");
        }
        // Constant time, so the answer's timing does not tell a caller how much of a guessed secret was right.
        if (!MessageDigest.isEqual(presented.getBytes(UTF_8), expected.getBytes(UTF_8))) {
            return new InboundOutcome.Refused(401, SECRET_HEADER + " does not match the bot's webhook secret");
        }
        return parse(bot, payload.body());
    }

    /**
     * Parses one update, from a webhook call whose secret was checked or from a {@code getUpdates} answer: a
     * person's message becomes an {@link InboundMessage}, every other kind of update is acknowledged with none.
     */
    public InboundOutcome parse(BotProfile bot, byte[] body) {
        if (body.length > MAX_BODY_BYTES) {
            return new InboundOutcome.Refused(413, "body larger than 1 MiB");
        }
        JsonNode tree;
        try {
            tree = json.readTree(body);
        } catch (IOException e) {
            return new InboundOutcome.Refused(400, "body is not valid JSON");
        }
        if (tree == null || !tree.isObject()) {
            return new InboundOutcome.Refused(400, "body must be a JSON object");
        }
        Update update;
        try {
            update = json.treeToValue(tree, Update.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new InboundOutcome.Refused(400, "body is not a Telegram update" + where(e));
        }
        if (update.getUpdateId() == null) {
            return new InboundOutcome.Refused(400, "update has no update_id");
        }
        if (update.hasMessage()) {
            return accept(bot, update.getUpdateId(), update.getMessage(), false);
        }
        if (update.hasEditedMessage()) {
            return accept(bot, update.getUpdateId(), update.getEditedMessage(), true);
        }
        // Channel posts, button presses and every other kind of update are acknowledged, so that Telegram does not
        // deliver them again; none of them is a question for the model.
        return NOTHING;
    }

    private InboundOutcome accept(BotProfile bot, int updateId, Message message, boolean edited) {
        Chat chat = message.getChat();
        if (chat == null || chat.getId() == null || message.getMessageId() == null) {
            return new InboundOutcome.Refused(400, "message has no chat or no message_id");
        }
        ChatKind kind = kindOf(chat.getType());
        if (kind == null) {
            // A chat type newer than this adapter: acknowledged, as a refusal would be retried for a day.
            return NOTHING;
        }
        boolean captioned = message.getText() == null;
        String text = Objects.requireNonNullElse(captioned ? message.getCaption() : message.getText(), "");
        List<MessageEntity> entities = entitiesOf(message, captioned);
        List<Attachment> attachments = edited ? List.of() : attachmentsOf(message);
        if (text.isBlank() && attachments.isEmpty()) {
            // Service messages (members joining, pins, a new title) and content Parley does not read (locations,
            // polls, dice): nothing to answer.
            return NOTHING;
        }
        Self self = Self.of(bot);
        Message reply = message.getReplyToMessage();
        if (reply != null && reply.getForumTopicCreated() != null) {
            // In a forum topic every message that replies to nothing points at the topic's opening service message:
            // that is the thread, not a reply.
            reply = null;
        }
        boolean mentionsBot = kind == ChatKind.DIRECT || self.isAddressedIn(entities)
                || (reply != null && self.wrote(reply));
        if (edited && kind != ChatKind.DIRECT && !mentionsBot) {
            return NOTHING;
        }
        // Only forum topics are threads to answer in; a supergroup also numbers plain reply chains as threads.
        String threadId = kind == ChatKind.GROUP && message.isTopicMessage() && message.getMessageThreadId() != null
                ? message.getMessageThreadId().toString() : null;
        String replyTo = reply == null || reply.getMessageId() == null ? null : reply.getMessageId().toString();
        Integer seconds = edited && message.getEditDate() != null ? message.getEditDate() : message.getDate();
        Instant sentAt = seconds == null ? null : Instant.ofEpochSecond(seconds);
        InboundMessage inbound = new InboundMessage(UUID.randomUUID().toString(), Platform.TELEGRAM, bot.botId(),
                message.getMessageId().toString(), new ChatRef(chat.getId().toString(), kind, threadId),
                senderOf(message, chat), self.withoutOwnUsername(text, entities), attachments, replyTo, mentionsBot,
                sentAt, clock.instant(), Integer.toString(updateId));
        return new InboundOutcome.Accepted(List.of(inbound));
    }

    private static ChatKind kindOf(String type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "private" -> ChatKind.DIRECT;
            case "group", "supergroup" -> ChatKind.GROUP;
            case "channel" -> ChatKind.CHANNEL;
            default -> null;
        };
    }

    private static List<MessageEntity> entitiesOf(Message message, boolean captioned) {
        List<MessageEntity> entities;
        try {
            entities = captioned ? message.getCaptionEntities() : message.getEntities();
        } catch (IndexOutOfBoundsException | NullPointerException e) {
            // telegrambots cuts every entity's text out of the message as it hands the list over, and throws when an
            // offset lies outside the text. Telegram never sends such entities; ignoring them beats refusing an
            // authenticated update that Telegram would then redeliver for a day.
            return List.of();
        }
        return entities == null ? List.of() : entities.stream().filter(Objects::nonNull).toList();
    }

    private static List<Attachment> attachmentsOf(Message message) {
        if (message.hasPhoto()) {
            // Telegram sends every size it made of the photo; the largest is the one the user sent.
            return message.getPhoto().stream()
                    .filter(Objects::nonNull)
                    .max(Comparator.comparingLong(TelegramInbound::pixels)
                            .thenComparingLong(size -> size.getFileSize() == null ? 0 : size.getFileSize()))
                    .map(size -> new Attachment("photo", size.getFileId(), null, toLong(size.getFileSize()), null))
                    .stream().toList();
        }
        if (message.hasDocument()) {
            Document d = message.getDocument();
            return List.of(new Attachment("document", d.getFileId(), d.getMimeType(), d.getFileSize(),
                    d.getFileName()));
        }
        if (message.hasVoice()) {
            Voice v = message.getVoice();
            return List.of(new Attachment("voice", v.getFileId(), v.getMimeType(), v.getFileSize(), null));
        }
        if (message.hasAudio()) {
            Audio a = message.getAudio();
            return List.of(new Attachment("audio", a.getFileId(), a.getMimeType(), a.getFileSize(), a.getFileName()));
        }
        if (message.hasVideo()) {
            Video v = message.getVideo();
            return List.of(new Attachment("video", v.getFileId(), v.getMimeType(), v.getFileSize(), v.getFileName()));
        }
        if (message.hasSticker()) {
            Sticker s = message.getSticker();
            return List.of(new Attachment("sticker", s.getFileId(), stickerMimeType(s), toLong(s.getFileSize()), null));
        }
        return List.of();
    }

    private static long pixels(PhotoSize size) {
        return (long) Objects.requireNonNullElse(size.getWidth(), 0) * Objects.requireNonNullElse(size.getHeight(), 0);
    }

    /** Telegram names a sticker's format by flags rather than a MIME type (core.telegram.org/stickers). */
    private static String stickerMimeType(Sticker sticker) {
        if (Boolean.TRUE.equals(sticker.getIsAnimated())) {
            return "application/x-tgsticker";
        }
        if (Boolean.TRUE.equals(sticker.getIsVideo())) {
            return "video/webm";
        }
        return "image/webp";
    }

    private static Long toLong(Integer value) {
        return value == null ? null : value.longValue();
    }

    private static Sender senderOf(Message message, Chat chat) {
        User from = message.getFrom();
        if (from != null && from.getId() != null) {
            return new Sender(from.getId().toString(), displayName(from), Boolean.TRUE.equals(from.getIsBot()));
        }
        // Without a user the message was sent on behalf of a chat, which then speaks for itself.
        Chat speaker = message.getSenderChat() != null && message.getSenderChat().getId() != null
                ? message.getSenderChat() : chat;
        return new Sender(speaker.getId().toString(), speaker.getTitle(), false);
    }

    private static String displayName(User user) {
        String name = (Objects.requireNonNullElse(user.getFirstName(), "") + " "
                + Objects.requireNonNullElse(user.getLastName(), "")).strip();
        return name.isEmpty() ? user.getUserName() : name;
    }

    /** Where in the update binding failed, from Telegram's field names only: the reason never echoes values. */
    private static String where(Exception e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return "";
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "" : " (at " + path + ")";
    }

    /** The bot as its updates name it: the username from getMe and the user id that opens its token. */
    private record Self(String username, Long userId) {

        static Self of(BotProfile bot) {
            String username = bot.credential(BOT_USERNAME_ATTRIBUTE);
            if (username != null) {
                username = username.strip();
                username = username.startsWith("@") ? username.substring(1) : username;
                username = username.isEmpty() ? null : username;
            }
            return new Self(username, userIdOf(bot.credential(BOT_TOKEN)));
        }

        /** BotFather's tokens read {@code <bot user id>:<secret>}; only the part before the colon is kept. */
        private static Long userIdOf(String token) {
            int colon = token == null ? -1 : token.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            try {
                return Long.parseLong(token.substring(0, colon));
            } catch (NumberFormatException e) {
                // Not a BotFather token: replies to the bot are then recognised by its username alone.
                return null;
            }
        }

        /** An {@code @username} mention of this bot, or a command addressed to it as {@code /command@username}. */
        boolean isAddressedIn(List<MessageEntity> entities) {
            if (username == null) {
                return false;
            }
            String handle = "@" + username;
            for (MessageEntity entity : entities) {
                String written = entity.getText();
                if (written == null) {
                    continue;
                }
                if (EntityType.MENTION.equals(entity.getType()) && written.equalsIgnoreCase(handle)) {
                    return true;
                }
                if (EntityType.BOTCOMMAND.equals(entity.getType()) && endsWithIgnoreCase(written, handle)) {
                    return true;
                }
            }
            return false;
        }

        boolean wrote(Message message) {
            User from = message.getFrom();
            if (from == null) {
                return false;
            }
            if (userId != null && userId.equals(from.getId())) {
                return true;
            }
            return username != null && Boolean.TRUE.equals(from.getIsBot())
                    && username.equalsIgnoreCase(from.getUserName());
        }

        /** {@code /command@username args} becomes {@code /command args}: commands reach the hub in one spelling. */
        String withoutOwnUsername(String text, List<MessageEntity> entities) {
            if (username == null) {
                return text;
            }
            String suffix = "@" + username;
            for (MessageEntity entity : entities) {
                String command = entity.getText();
                if (EntityType.BOTCOMMAND.equals(entity.getType()) && Integer.valueOf(0).equals(entity.getOffset())
                        && command != null && endsWithIgnoreCase(command, suffix)) {
                    return command.substring(0, command.length() - suffix.length()) + text.substring(command.length());
                }
            }
            return text;
        }

        /** Telegram usernames are case-insensitive: {@code @Parley_Bot} and {@code @parley_bot} are one bot. */
        private static boolean endsWithIgnoreCase(String value, String suffix) {
            return value.regionMatches(true, value.length() - suffix.length(), suffix, 0, suffix.length());
        }
    }
}
