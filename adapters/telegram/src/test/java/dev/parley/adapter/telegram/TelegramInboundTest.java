package dev.parley.adapter.telegram;

import static dev.parley.adapter.telegram.TelegramCredentials.BOT_TOKEN;
import static dev.parley.adapter.telegram.TelegramCredentials.WEBHOOK_SECRET;
import static dev.parley.adapter.telegram.TelegramInbound.BOT_USERNAME_ATTRIBUTE;
import static dev.parley.adapter.telegram.TelegramInbound.MAX_BODY_BYTES;
import static dev.parley.adapter.telegram.TelegramInbound.SECRET_HEADER;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.contract.Attachment;
import dev.parley.contract.ChatKind;
import dev.parley.contract.ChatRef;
import dev.parley.contract.ContractJson;
import dev.parley.contract.InboundMessage;
import dev.parley.contract.Platform;
import dev.parley.contract.Sender;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.InboundOutcome;
import dev.parley.contract.spi.InboundPayload;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every fixture is a real Telegram payload; see src/test/resources/fixtures/telegram/SOURCES.md. */
class TelegramInboundTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final String SECRET = "Wq8-secret_T0ken";
    /** The bot's user id is the token's first part: 4242 is how Telegram names this bot in updates. */
    private static final String TOKEN = "4242:AAH-not-a-real-token";

    private final ObjectMapper json = ContractJson.newMapper();
    private final TelegramInbound inbound = new TelegramInbound(json, Clock.fixed(NOW, ZoneOffset.UTC));
    private final BotProfile bot = bot("parley_bot");

    private static BotProfile bot(String username) {
        Map<String, String> credentials = new HashMap<>();
        credentials.put(BOT_TOKEN, TOKEN);
        credentials.put(WEBHOOK_SECRET, SECRET);
        if (username != null) {
            credentials.put(BOT_USERNAME_ATTRIBUTE, username);
        }
        return new BotProfile("support-bot", Platform.TELEGRAM, "Support", credentials, null);
    }

    private static String fixture(String name) {
        try (InputStream in = TelegramInboundTest.class.getResourceAsStream("/fixtures/telegram/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture with one change, for the cases no public payload shows. */
    private String edited(String name, Consumer<ObjectNode> change) {
        try {
            ObjectNode update = (ObjectNode) json.readTree(fixture(name));
            change.accept(update);
            return json.writeValueAsString(update);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode at(ObjectNode update, String pointer) {
        return (ObjectNode) update.at(pointer);
    }

    private InboundOutcome receive(BotProfile as, String body) {
        return receive(as, body, Map.of(SECRET_HEADER, List.of(SECRET)));
    }

    private InboundOutcome receive(BotProfile as, String body, Map<String, List<String>> headers) {
        return inbound.receive(as, new InboundPayload(headers, Map.of(), body.getBytes(StandardCharsets.UTF_8), null));
    }

    private static InboundMessage single(InboundOutcome outcome) {
        assertThat(outcome).isInstanceOf(InboundOutcome.Accepted.class);
        List<InboundMessage> messages = ((InboundOutcome.Accepted) outcome).messages();
        assertThat(messages).hasSize(1);
        return messages.get(0);
    }

    private static void acknowledgedOnly(InboundOutcome outcome) {
        assertThat(outcome).isEqualTo(new InboundOutcome.Accepted(List.of()));
    }

    // --- messages ----------------------------------------------------------------------------------------------

    @Test
    void aPrivateTextMessageIsAQuestionAddressedToTheBot() {
        InboundMessage message = single(receive(bot, fixture("private-text.json")));

        assertThat(UUID.fromString(message.hubId())).isNotNull();
        assertThat(message.platform()).isEqualTo(Platform.TELEGRAM);
        assertThat(message.botId()).isEqualTo("support-bot");
        assertThat(message.platformMessageId()).isEqualTo("154");
        assertThat(message.dedupKey()).isEqualTo("telegram:support-bot:306197398");
        assertThat(message.chat()).isEqualTo(new ChatRef("408258968", ChatKind.DIRECT, null));
        assertThat(message.sender()).isEqualTo(new Sender("408258968", "Hirrolot", false));
        assertThat(message.text()).isEqualTo("4");
        assertThat(message.attachments()).isEmpty();
        assertThat(message.replyToMessageId()).isNull();
        assertThat(message.mentionsBot()).isTrue();
        assertThat(message.platformTimestamp()).isEqualTo(Instant.ofEpochSecond(1581448857));
        assertThat(message.receivedAt()).isEqualTo(NOW);
        assertThat(message.replyRoute().replyToMessageId()).isEqualTo("154");
    }

    @Test
    void aRedeliveryHasTheSameDedupKeyButItsOwnHubId() {
        InboundMessage first = single(receive(bot, fixture("private-text.json")));
        InboundMessage again = single(receive(bot, fixture("private-text.json")));

        assertThat(again.dedupKey()).isEqualTo(first.dedupKey());
        assertThat(again.hubId()).isNotEqualTo(first.hubId());
    }

    @Test
    void aGroupMessageMentioningTheBotIsAddressedToIt() {
        InboundMessage message = single(receive(bot("nvt_ssh_bot"), fixture("group-mention.json")));

        assertThat(message.chat()).isEqualTo(new ChatRef("-348651357", ChatKind.GROUP, null));
        assertThat(message.sender()).isEqualTo(new Sender("1107771830", "viet thang", false));
        assertThat(message.text()).isEqualTo("/my_id @nvt_ssh_bot");
        assertThat(message.mentionsBot()).isTrue();
        assertThat(message.dedupKey()).isEqualTo("telegram:support-bot:272456293");
    }

    @Test
    void aGroupMessageMentioningSomeoneElseIsPassedOnUnaddressed() {
        assertThat(single(receive(bot("other_bot"), fixture("group-mention.json"))).mentionsBot()).isFalse();
        assertThat(single(receive(bot("NVT_SSH_BOT"), fixture("group-mention.json"))).mentionsBot())
                .as("usernames are case-insensitive").isTrue();
        assertThat(single(receive(bot("@nvt_ssh_bot"), fixture("group-mention.json"))).mentionsBot())
                .as("a username stored with its @").isTrue();
        assertThat(single(receive(bot(null), fixture("group-mention.json"))).mentionsBot())
                .as("without the bot's username only replies to it count").isFalse();
    }

    @Test
    void aForumTopicMessageKeepsItsTopicAsTheThreadAndIsNoReplyToTheTopicOpening() {
        InboundMessage message = single(receive(bot, fixture("supergroup-forum-topic.json")));

        assertThat(message.chat()).isEqualTo(new ChatRef("-1001847508954", ChatKind.GROUP, "4"));
        assertThat(message.platformMessageId()).isEqualTo("5");
        assertThat(message.text()).isEqualTo("blah");
        assertThat(message.replyToMessageId()).isNull();
        assertThat(message.mentionsBot()).isFalse();
    }

    @Test
    void aTopicOpenedByTheBotDoesNotAddressEveryMessageInItToTheBot() {
        String body = edited("supergroup-forum-topic.json", update -> at(update, "/message/reply_to_message/from")
                .put("id", 4242).put("is_bot", true).put("username", "parley_bot"));

        assertThat(single(receive(bot, body)).mentionsBot()).isFalse();
    }

    @Test
    void aSupergroupReplyThreadIsNotAForumTopic() {
        String body = edited("group-reply.json", update -> at(update, "/message").put("message_thread_id", 11));

        assertThat(single(receive(bot, body)).chat().threadId()).isNull();
    }

    @Test
    void aReplyNamesTheMessageItAnswers() {
        InboundMessage message = single(receive(bot, fixture("reply.json")));

        assertThat(message.replyToMessageId()).isEqualTo("1334");
        assertThat(message.text()).isEqualTo("/start");
        assertThat(message.sender()).isEqualTo(new Sender("1111111", "Test Firstname Test Lastname", false));
        assertThat(message.mentionsBot()).isTrue();
    }

    @Test
    void aGroupReplyToAPersonIsNotAddressedToTheBot() {
        InboundMessage message = single(receive(bot, fixture("group-reply.json")));

        assertThat(message.chat()).isEqualTo(new ChatRef("-10011869112345", ChatKind.GROUP, null));
        assertThat(message.replyToMessageId()).isEqualTo("11");
        assertThat(message.text()).isEqualTo("And the answer");
        assertThat(message.mentionsBot()).isFalse();
    }

    @Test
    void aGroupReplyToTheBotIsAddressedToIt() {
        String repliedTo = "/message/reply_to_message/from";
        String byId = edited("group-reply.json", update -> at(update, repliedTo).put("id", 4242).put("is_bot", true));
        String byUsername = edited("group-reply.json", update -> at(update, repliedTo)
                .put("id", 999).put("is_bot", true).put("username", "Parley_Bot"));
        String aPersonWithTheName = edited("group-reply.json", update -> at(update, repliedTo)
                .put("id", 999).put("is_bot", false).put("username", "parley_bot"));

        assertThat(single(receive(bot, byId)).mentionsBot()).isTrue();
        assertThat(single(receive(bot, byUsername)).mentionsBot()).isTrue();
        assertThat(single(receive(bot, aPersonWithTheName)).mentionsBot()).isFalse();
    }

    @Test
    void aPhotoBecomesItsLargestSizeWithTheCaptionAsText() {
        InboundMessage message = single(receive(bot, fixture("photo-caption.json")));

        assertThat(message.text()).isEqualTo("www.example.com");
        assertThat(message.attachments()).containsExactly(new Attachment("photo",
                "AgACAgQAAxkBAAINhGKvijUVSn2i3980bQIIc1fqWGNCAAJpvDEbEmaBUfuA43fR-BnlAQADAgADeQADJAQ",
                null, 162061L, null));
    }

    @Test
    void aDocumentIsAPlaceholderWithItsNameTypeAndSize() {
        InboundMessage message = single(receive(bot, fixture("document.json")));

        assertThat(message.text()).isEmpty();
        assertThat(message.sender()).isEqualTo(new Sender("12345678", "FirstName", false));
        assertThat(message.dedupKey()).isEqualTo("telegram:support-bot:259894303");
        assertThat(message.attachments())
                .containsExactly(new Attachment("document", "FILEID", "text/plain", 2L, "aaa.txt"));
    }

    @Test
    void aVoiceMessageIsAPlaceholder() {
        assertThat(single(receive(bot, fixture("voice.json"))).attachments()).containsExactly(
                new Attachment("voice", "FILEID", "audio/ogg", 8386L, null));
    }

    @Test
    void aUserWithoutIsBotAsInTheDocsOldExamplesIsNotATelegramUpdate() {
        // Telegram has sent is_bot with every user since Bot API 3.1; telegrambots requires it.
        assertThat(receive(bot, fixture("docs-voice-verbatim.json")))
                .isEqualTo(new InboundOutcome.Refused(400, "body is not a Telegram update (at message.from)"));
    }

    @Test
    void audioVideoAndStickersArePlaceholders() {
        assertThat(single(receive(bot, fixture("audio.json"))).attachments()).containsExactly(
                new Attachment("audio", "AwADBAADbXXXXXXXXXXXGBdhD2l6_XX", "audio/mpeg", 3897500L, null));
        assertThat(single(receive(bot, fixture("video.json"))).attachments()).containsExactly(
                new Attachment("video", "BAADAgADpgQAAgX9qEud6QcgPiOAlhYE", "video/mp4", 1381334L, null));
        assertThat(single(receive(bot, fixture("sticker.json"))).attachments()).containsExactly(
                new Attachment("sticker", "CAACAgIAAxkBAAESLdBjMImep-J0W8XaTN6S_Lz1-j1QIQACIwADsND4DGmmygHGlyggKQQ",
                        "application/x-tgsticker", 16639L, null));
    }

    @Test
    void aCommandAddressedToTheBotInAGroupLosesTheBotsUsername() {
        InboundMessage message = single(receive(bot("bot"), fixture("group-command.json")));

        assertThat(message.text()).isEqualTo("/start");
        assertThat(message.mentionsBot()).isTrue();
        assertThat(message.chat()).isEqualTo(new ChatRef("2", ChatKind.GROUP, null));
    }

    @Test
    void aCommandKeepsItsArgumentsAndMatchesTheUsernameWhateverItsCase() {
        String body = edited("group-command.json", update -> {
            ObjectNode message = (ObjectNode) update.get("message");
            message.put("text", "/ask@BoT what is Parley?");
            ((ObjectNode) message.at("/entities/0")).put("length", "/ask@BoT".length());
        });

        InboundMessage message = single(receive(bot("bot"), body));

        assertThat(message.text()).isEqualTo("/ask what is Parley?");
        assertThat(message.mentionsBot()).isTrue();
    }

    @Test
    void aCommandAddressedToAnotherBotIsLeftAsWrittenAndUnaddressed() {
        InboundMessage message = single(receive(bot, fixture("group-command.json")));

        assertThat(message.text()).isEqualTo("/start@bot");
        assertThat(message.mentionsBot()).isFalse();
    }

    @Test
    void aPrivateEditIsACorrectedQuestionThatIsNotDeduplicatedAgainstTheOriginal() {
        String original = edited("edited-message.json", update -> {
            update.set("message", update.remove("edited_message"));
            update.put("update_id", 9999);
        });

        InboundMessage first = single(receive(bot, original));
        InboundMessage edit = single(receive(bot, fixture("edited-message.json")));

        assertThat(edit.text()).isEqualTo("Edited text");
        assertThat(edit.platformMessageId()).isEqualTo(first.platformMessageId()).isEqualTo("1365");
        assertThat(edit.dedupKey()).isEqualTo("telegram:support-bot:10000").isNotEqualTo(first.dedupKey());
        assertThat(edit.platformTimestamp()).isEqualTo(Instant.ofEpochSecond(1441646600));
        assertThat(edit.mentionsBot()).isTrue();
    }

    @Test
    void anEditCarriesNoAttachmentsBecauseTheMediaWentWithTheOriginal() {
        String body = edited("edited-message.json", update -> {
            ObjectNode message = (ObjectNode) update.get("edited_message");
            message.remove("text");
            message.put("caption", "the right file");
            message.set("document", json.createObjectNode().put("file_id", "BQAD").put("file_unique_id", "AgAD"));
        });

        InboundMessage edit = single(receive(bot, body));

        assertThat(edit.text()).isEqualTo("the right file");
        assertThat(edit.attachments()).isEmpty();
    }

    @Test
    void aGroupEditIsIgnoredUnlessItAddressesTheBot() {
        acknowledgedOnly(receive(bot, fixture("edited-message-group.json")));

        String mentioning = edited("edited-message-group.json", update -> {
            ObjectNode message = (ObjectNode) update.get("edited_message");
            message.put("text", "@parley_bot Hello, modified");
            message.set("entities", json.createArrayNode()
                    .add(json.createObjectNode().put("offset", 0).put("length", 11).put("type", "mention")));
        });
        InboundMessage edit = single(receive(bot, mentioning));

        assertThat(edit.mentionsBot()).isTrue();
        assertThat(edit.chat().kind()).isEqualTo(ChatKind.GROUP);
        assertThat(edit.dedupKey()).isEqualTo("telegram:support-bot:259894338");
    }

    @Test
    void aMessageFromABotIsStillPassedOnMarkedAsABot() {
        String body = edited("private-text.json", update -> at(update, "/message/from").put("is_bot", true));

        assertThat(single(receive(bot, body)).sender().bot()).isTrue();
    }

    // --- acknowledged without a message ------------------------------------------------------------------------

    @Test
    void channelPostsAreAcknowledgedEvenWhenTheyMentionTheBot() {
        acknowledgedOnly(receive(bot("SubaruMonitoringBot"), fixture("channel-post.json")));
    }

    @Test
    void buttonPressesAreAcknowledgedWithoutAQuestion() {
        acknowledgedOnly(receive(bot, fixture("callback-query.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"new-chat-members.json", "pinned-message.json", "group-created.json"})
    void serviceMessagesAreAcknowledgedWithoutAQuestion(String fixture) {
        acknowledgedOnly(receive(bot, fixture(fixture)));
    }

    @Test
    void updateTypesParleyDoesNotReadAreAcknowledged() {
        acknowledgedOnly(receive(bot, fixture("my-chat-member.json")));
        acknowledgedOnly(receive(bot, "{\"update_id\":5,\"some_update_from_a_later_bot_api\":{\"x\":1}}"));
    }

    @Test
    void aChatTypeNewerThanThisAdapterIsAcknowledgedRatherThanRefused() {
        String body = edited("private-text.json", update -> at(update, "/message/chat").put("type", "hologram"));

        acknowledgedOnly(receive(bot, body));
    }

    // --- bad input ---------------------------------------------------------------------------------------------

    @Test
    void aWrongSecretIsRefusedWith401WithoutRevealingEitherSecret() {
        InboundOutcome outcome = receive(bot, fixture("private-text.json"),
                Map.of(SECRET_HEADER, List.of("guess-1234")));

        assertThat(outcome).isInstanceOf(InboundOutcome.Refused.class);
        InboundOutcome.Refused refused = (InboundOutcome.Refused) outcome;
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.reason()).doesNotContain(SECRET).doesNotContain("guess-1234").doesNotContain(TOKEN);
    }

    @Test
    void aMissingSecretIsRefusedWith401() {
        assertThat(receive(bot, fixture("private-text.json"), Map.of()))
                .isEqualTo(new InboundOutcome.Refused(401, "missing X-Telegram-Bot-Api-Secret-Token header"));
        assertThat(receive(bot, fixture("private-text.json"), Map.of(SECRET_HEADER, List.of(""))))
                .extracting(outcome -> ((InboundOutcome.Refused) outcome).status()).isEqualTo(401);
        assertThat(receive(bot, fixture("private-text.json"), Map.of(SECRET_HEADER, List.of(SECRET + "x"))))
                .extracting(outcome -> ((InboundOutcome.Refused) outcome).status()).isEqualTo(401);
    }

    @Test
    void aBotWithoutAWebhookSecretRefusesEverything() {
        BotProfile unregistered =
                new BotProfile("support-bot", Platform.TELEGRAM, "Support", Map.of(BOT_TOKEN, TOKEN), null);

        assertThat(receive(unregistered, fixture("private-text.json"), Map.of(SECRET_HEADER, List.of(""))))
                .isEqualTo(new InboundOutcome.Refused(401,
                        "the bot has no webhook secret; register its webhook again"));
        assertThat(receive(unregistered, fixture("private-text.json")))
                .extracting(outcome -> ((InboundOutcome.Refused) outcome).status()).isEqualTo(401);
    }

    @Test
    void theSecretHeaderNameIsCaseInsensitive() {
        InboundOutcome outcome = receive(bot, fixture("private-text.json"),
                Map.of("x-telegram-bot-api-secret-token", List.of(SECRET)));

        assertThat(single(outcome).text()).isEqualTo("4");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413() {
        String body = "{\"update_id\":1}" + " ".repeat(MAX_BODY_BYTES + 1 - "{\"update_id\":1}".length());

        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY_BYTES + 1);
        assertThat(receive(bot, body)).isEqualTo(new InboundOutcome.Refused(413, "body larger than 1 MiB"));
        assertThat(receive(bot, body, Map.of(SECRET_HEADER, List.of("guess"))))
                .as("the secret is checked first, so strangers learn nothing about limits")
                .extracting(outcome -> ((InboundOutcome.Refused) outcome).status()).isEqualTo(401);
    }

    @Test
    void aBodyOfExactlyOneMebibyteIsRead() {
        String update = fixture("private-text.json").strip();
        String body = update + " ".repeat(MAX_BODY_BYTES - update.getBytes(StandardCharsets.UTF_8).length);

        assertThat(body.getBytes(StandardCharsets.UTF_8)).hasSize(MAX_BODY_BYTES);
        assertThat(single(receive(bot, body)).text()).isEqualTo("4");
    }

    @Test
    void malformedBodiesAreRefusedWith400AndAReason() {
        assertThat(receive(bot, "{not json")).isEqualTo(new InboundOutcome.Refused(400, "body is not valid JSON"));
        assertThat(receive(bot, "{\"update_id\":1} {}"))
                .isEqualTo(new InboundOutcome.Refused(400, "body is not valid JSON"));
        assertThat(receive(bot, "[1,2]")).isEqualTo(new InboundOutcome.Refused(400, "body must be a JSON object"));
        assertThat(receive(bot, "\"update\"")).isEqualTo(new InboundOutcome.Refused(400, "body must be a JSON object"));
        assertThat(receive(bot, "null")).isEqualTo(new InboundOutcome.Refused(400, "body must be a JSON object"));
        assertThat(receive(bot, "{\"update_id\":\"one\"}"))
                .isEqualTo(new InboundOutcome.Refused(400, "body is not a Telegram update (at update_id)"));
        assertThat(receive(bot, "{\"update_id\":1,\"message\":{\"message_id\":1,\"chat\":{\"id\":\"x\"}}}"))
                .isEqualTo(new InboundOutcome.Refused(400, "body is not a Telegram update (at message.chat.id)"));
        assertThat(receive(bot, "{\"message\":{\"message_id\":1,\"text\":\"hi\"}}"))
                .isEqualTo(new InboundOutcome.Refused(400, "update has no update_id"));
        assertThat(receive(bot, "{\"update_id\":1,\"message\":{\"message_id\":1,\"date\":1,\"text\":\"hi\"}}"))
                .isEqualTo(new InboundOutcome.Refused(400, "message has no chat or no message_id"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "{\"update_id\":", "{\"update_id\":1e400}",
            "{\"update_id\":99999999999}",
            "{\"update_id\":1,\"message\":[]}", "{\"update_id\":1,\"message\":{\"entities\":{}}}", "\u0000"})
    void noMalformedBodyGetsAnythingButA400(String body) {
        assertThat(receive(bot, body)).isInstanceOf(InboundOutcome.Refused.class)
                .extracting(outcome -> ((InboundOutcome.Refused) outcome).status()).isEqualTo(400);
    }

    @Test
    void deeplyNestedJsonIsRefusedNotOverflowed() {
        String body = "{\"update_id\":1,\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        assertThat(receive(bot, body)).isEqualTo(new InboundOutcome.Refused(400, "body is not valid JSON"));
    }

    @Test
    void unknownFieldsAreTolerated() {
        String body = edited("private-text.json", update -> {
            update.put("field_from_a_later_bot_api", true);
            at(update, "/message").putObject("future_object").put("x", 1);
            at(update, "/message/chat").put("future_flag", "y");
            at(update, "/message/from").putArray("future_list").add(1);
        });

        InboundMessage message = single(receive(bot, body));

        assertThat(message.text()).isEqualTo("4");
    }

    @Test
    void entitiesOutsideTheTextAreIgnoredRatherThanFatal() {
        String body = edited("group-mention.json", update -> {
            ArrayNode entities = (ArrayNode) update.at("/message/entities");
            ((ObjectNode) entities.get(1)).put("offset", 500);
        });

        InboundMessage message = single(receive(bot("nvt_ssh_bot"), body));

        assertThat(message.text()).isEqualTo("/my_id @nvt_ssh_bot");
        assertThat(message.mentionsBot()).isFalse();
    }
}
