package dev.parley.adapter.slack;

import static dev.parley.adapter.slack.SlackCredentials.BOT_TOKEN;
import static dev.parley.adapter.slack.SlackCredentials.SIGNING_SECRET;
import static dev.parley.adapter.slack.SlackInbound.BOT_USER_ID_ATTRIBUTE;
import static dev.parley.adapter.slack.SlackInbound.MAX_BODY_BYTES;
import static dev.parley.adapter.slack.SlackInbound.SIGNATURE_HEADER;
import static dev.parley.adapter.slack.SlackInbound.TIMESTAMP_HEADER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every fixture is a real Slack payload; see src/test/resources/fixtures/slack/SOURCES.md. */
class SlackInboundTest {

    private static final Instant NOW = Instant.parse("2026-11-23T08:00:00Z");
    private static final String SECRET = "e2f1d0c9b8a7-signing-secret";
    private static final String TOKEN = "xoxb-1111-2222-inbound-test";

    // Slack's published example from "Verifying requests from Slack": a slash command's form body.
    private static final String VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String VECTOR_TIMESTAMP = "1531420618";
    private static final String VECTOR_BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
            + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
            + "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    private static final String VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    private final ObjectMapper json = ContractJson.newMapper();
    private final SlackInbound inbound = new SlackInbound(json, Clock.fixed(NOW, ZoneOffset.UTC));

    /** The bot, knowing its own user id as {@code auth.test} reports it (null: unknown). */
    private static BotProfile bot(String botUserId) {
        return bot(botUserId, SECRET);
    }

    private static BotProfile bot(String botUserId, String secret) {
        Map<String, String> credentials = new HashMap<>();
        credentials.put(BOT_TOKEN, TOKEN);
        if (secret != null) {
            credentials.put(SIGNING_SECRET, secret);
        }
        if (botUserId != null) {
            credentials.put(BOT_USER_ID_ATTRIBUTE, botUserId);
        }
        return new BotProfile("helpdesk", Platform.SLACK, "Helpdesk", credentials, null);
    }

    private static String fixture(String name) {
        try (InputStream in = SlackInboundTest.class.getResourceAsStream("/fixtures/slack/" + name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fixture with one change, for the cases no public payload shows. */
    private String edited(String name, Consumer<ObjectNode> change) {
        try {
            ObjectNode envelope = (ObjectNode) json.readTree(fixture(name));
            change.accept(envelope);
            return json.writeValueAsString(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode event(ObjectNode envelope) {
        return (ObjectNode) envelope.get("event");
    }

    /** Signed independently of the class under test, with the JDK's HMAC. */
    private static String sign(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"));
            mac.update(("v0:" + timestamp + ":").getBytes(UTF_8));
            return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, List<String>> signedHeaders(String body) {
        String timestamp = Long.toString(NOW.getEpochSecond());
        return Map.of(TIMESTAMP_HEADER, List.of(timestamp),
                SIGNATURE_HEADER, List.of(sign(SECRET, timestamp, body.getBytes(UTF_8))));
    }

    private InboundOutcome receive(BotProfile as, String body) {
        return receive(as, body, signedHeaders(body));
    }

    private InboundOutcome receive(BotProfile as, String body, Map<String, List<String>> headers) {
        return inbound.receive(as, new InboundPayload(headers, Map.of(), body.getBytes(UTF_8), null));
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

    private static int status(InboundOutcome outcome) {
        assertThat(outcome).isInstanceOf(InboundOutcome.Refused.class);
        return ((InboundOutcome.Refused) outcome).status();
    }

    // --- signatures --------------------------------------------------------------------------------------------

    @Test
    void slacksPublishedSignatureIsComputedExactly() {
        assertThat(SlackInbound.signature(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_BODY.getBytes(UTF_8)))
                .isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void slacksPublishedRequestPassesTheSignatureCheckAtItsOwnTime() {
        SlackInbound atThatTime = new SlackInbound(json,
                Clock.fixed(Instant.ofEpochSecond(Long.parseLong(VECTOR_TIMESTAMP)), ZoneOffset.UTC));
        Map<String, List<String>> headers = Map.of(TIMESTAMP_HEADER, List.of(VECTOR_TIMESTAMP),
                SIGNATURE_HEADER, List.of(VECTOR_SIGNATURE));

        InboundOutcome outcome = atThatTime.receive(bot(null, VECTOR_SECRET),
                new InboundPayload(headers, Map.of(), VECTOR_BODY.getBytes(UTF_8), null));

        // Signed by Slack, but a slash command's form body, not an event: past the signature, refused as JSON.
        assertThat(outcome).isEqualTo(new InboundOutcome.Refused(400, "body is not valid JSON"));
        InboundOutcome tampered = atThatTime.receive(bot(null, VECTOR_SECRET),
                new InboundPayload(headers, Map.of(), (VECTOR_BODY + "&").getBytes(UTF_8), null));
        assertThat(status(tampered)).isEqualTo(401);
    }

    @Test
    void timestampsUpToFiveMinutesAwayEitherWayAreAccepted() {
        String body = fixture("message-im.json");
        for (long offset : new long[] {-300, -299, 0, 299, 300}) {
            String timestamp = Long.toString(NOW.getEpochSecond() + offset);
            Map<String, List<String>> headers = Map.of(TIMESTAMP_HEADER, List.of(timestamp),
                    SIGNATURE_HEADER, List.of(sign(SECRET, timestamp, body.getBytes(UTF_8))));

            assertThat(single(receive(bot(null), body, headers)).text()).as("offset %d s", offset).isEqualTo("test");
        }
    }

    @Test
    void staleAndFutureTimestampsAreRefusedEvenWhenSignedCorrectly() {
        String body = fixture("message-im.json");
        for (long offset : new long[] {-301, -86_400, 301, 86_400}) {
            String timestamp = Long.toString(NOW.getEpochSecond() + offset);
            Map<String, List<String>> headers = Map.of(TIMESTAMP_HEADER, List.of(timestamp),
                    SIGNATURE_HEADER, List.of(sign(SECRET, timestamp, body.getBytes(UTF_8))));

            assertThat(receive(bot(null), body, headers)).as("offset %d s", offset).isEqualTo(new InboundOutcome.Refused(
                    401, "X-Slack-Request-Timestamp is more than 5 minutes away from now: a replayed request, or a "
                    + "clock that is off"));
        }
    }

    @Test
    void aForgedSignatureIsRefusedWith401WithoutRevealingTheSecret() {
        String body = fixture("message-im.json");
        String timestamp = Long.toString(NOW.getEpochSecond());
        String genuine = sign(SECRET, timestamp, body.getBytes(UTF_8));
        String forged = genuine.substring(0, genuine.length() - 1) + (genuine.endsWith("0") ? "1" : "0");
        String otherSecret = sign("not-the-secret", timestamp, body.getBytes(UTF_8));

        for (String signature : List.of(forged, otherSecret, genuine.toUpperCase(), genuine.substring(3), "v0=", "")) {
            InboundOutcome outcome = receive(bot(null), body,
                    Map.of(TIMESTAMP_HEADER, List.of(timestamp), SIGNATURE_HEADER, List.of(signature)));

            assertThat(status(outcome)).as(signature).isEqualTo(401);
            assertThat(((InboundOutcome.Refused) outcome).reason()).doesNotContain(SECRET).doesNotContain(genuine)
                    .doesNotContain(TOKEN);
        }
    }

    @Test
    void aSignatureOverAnotherBodyOrTimestampIsRefused() {
        String body = fixture("message-im.json");
        String timestamp = Long.toString(NOW.getEpochSecond());
        String signature = sign(SECRET, timestamp, body.getBytes(UTF_8));

        assertThat(status(receive(bot(null), body.replace("\"test\"", "\"tesT\""),
                Map.of(TIMESTAMP_HEADER, List.of(timestamp), SIGNATURE_HEADER, List.of(signature))))).isEqualTo(401);
        assertThat(status(receive(bot(null), body, Map.of(TIMESTAMP_HEADER,
                List.of(Long.toString(NOW.getEpochSecond() - 1)), SIGNATURE_HEADER, List.of(signature)))))
                .isEqualTo(401);
    }

    @Test
    void missingHeadersAreRefusedWith401() {
        String body = fixture("message-im.json");
        Map<String, List<String>> signed = signedHeaders(body);

        assertThat(receive(bot(null), body, Map.of()))
                .isEqualTo(new InboundOutcome.Refused(401, "missing X-Slack-Signature header"));
        assertThat(receive(bot(null), body, Map.of(SIGNATURE_HEADER, signed.get(SIGNATURE_HEADER))))
                .isEqualTo(new InboundOutcome.Refused(401, "missing X-Slack-Request-Timestamp header"));
        for (String timestamp : List.of("", "soon", "+" + NOW.getEpochSecond(), NOW.getEpochSecond() + ".0",
                "99999999999999999999999")) {
            assertThat(receive(bot(null), body, Map.of(TIMESTAMP_HEADER, List.of(timestamp),
                    SIGNATURE_HEADER, List.of(sign(SECRET, timestamp, body.getBytes(UTF_8))))))
                    .isEqualTo(new InboundOutcome.Refused(401, "X-Slack-Request-Timestamp is not a Unix time in seconds"));
        }
    }

    @Test
    void aBotWithoutASigningSecretRefusesEverything() {
        InboundOutcome outcome = receive(bot(null, null), fixture("message-im.json"));

        assertThat(outcome).isEqualTo(new InboundOutcome.Refused(401,
                "the bot has no signingSecret; add the app's signing secret from its Basic Information page"));
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        String body = fixture("message-im.json");
        Map<String, List<String>> signed = signedHeaders(body);

        InboundOutcome outcome = receive(bot(null), body, Map.of(
                "x-slack-request-timestamp", signed.get(TIMESTAMP_HEADER),
                "X-SLACK-SIGNATURE", signed.get(SIGNATURE_HEADER)));

        assertThat(single(outcome).text()).isEqualTo("test");
    }

    @Test
    void theSignatureCoversTheRawUtf8Bytes() {
        String body = edited("message-im.json", envelope -> event(envelope).put("text", "Grüße, 日本 😀"));

        assertThat(single(receive(bot(null), body)).text()).isEqualTo("Grüße, 日本 😀");
    }

    // --- URL verification --------------------------------------------------------------------------------------

    @Test
    void urlVerificationIsAnsweredWithTheChallenge() {
        assertThat(receive(bot(null), fixture("url-verification.json"))).isEqualTo(new InboundOutcome.Answered(200,
                "text/plain", "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
    }

    @Test
    void urlVerificationMustBeSignedToo() {
        assertThat(status(receive(bot(null), fixture("url-verification.json"), Map.of()))).isEqualTo(401);
    }

    @Test
    void urlVerificationWithoutAChallengeIsRefused() {
        assertThat(receive(bot(null), "{\"type\":\"url_verification\",\"token\":\"x\"}"))
                .isEqualTo(new InboundOutcome.Refused(400, "url_verification has no challenge"));
        assertThat(receive(bot(null), "{\"type\":\"url_verification\",\"challenge\":{}}"))
                .isEqualTo(new InboundOutcome.Refused(400, "url_verification has no challenge"));
    }

    // --- direct messages ---------------------------------------------------------------------------------------

    @Test
    void aDirectMessageIsAQuestionAddressedToTheBot() {
        InboundMessage message = single(receive(bot("U0442US8QGH"), fixture("message-im.json")));

        assertThat(UUID.fromString(message.hubId())).isNotNull();
        assertThat(message.platform()).isEqualTo(Platform.SLACK);
        assertThat(message.botId()).isEqualTo("helpdesk");
        assertThat(message.platformMessageId()).isEqualTo("1664408649.009629");
        assertThat(message.dedupKey()).isEqualTo("slack:helpdesk:Ev044C51K43V");
        assertThat(message.chat()).isEqualTo(new ChatRef("D0442US94JD", ChatKind.DIRECT, null));
        assertThat(message.sender()).isEqualTo(new Sender("U043H11ES4V", null, false));
        assertThat(message.text()).isEqualTo("test");
        assertThat(message.attachments()).isEmpty();
        assertThat(message.replyToMessageId()).isNull();
        assertThat(message.mentionsBot()).isTrue();
        assertThat(message.platformTimestamp()).isEqualTo(Instant.ofEpochSecond(1664408649, 9_629_000));
        assertThat(message.receivedAt()).isEqualTo(NOW);
        assertThat(message.replyRoute().threadId()).isNull();
    }

    @Test
    void theDocsExampleWithoutAuthorizationsOrBotUserIdIsRead() {
        InboundMessage message = single(receive(bot(null), fixture("docs-message-im.json")));

        assertThat(message.chat()).isEqualTo(new ChatRef("D024BE91L", ChatKind.DIRECT, null));
        assertThat(message.text()).isEqualTo("Hello hello can you hear me?");
        assertThat(message.dedupKey()).isEqualTo("slack:helpdesk:Ev0PV52K21");
    }

    @Test
    void aRetryHasTheSameDedupKeyButItsOwnHubId() {
        String body = fixture("message-im.json");
        Map<String, List<String>> retry = new HashMap<>(signedHeaders(body));
        retry.put("X-Slack-Retry-Num", List.of("2"));
        retry.put("X-Slack-Retry-Reason", List.of("http_timeout"));

        InboundMessage first = single(receive(bot(null), body));
        InboundMessage again = single(receive(bot(null), body, retry));

        assertThat(again.dedupKey()).isEqualTo(first.dedupKey());
        assertThat(again.hubId()).isNotEqualTo(first.hubId());
    }

    @Test
    void aThreadReplyInADirectMessageIsAnsweredInItsThread() {
        // The bot's user id comes from the event's authorization: the hub has not passed it.
        InboundMessage message = single(receive(bot(null), fixture("message-im-thread-reply.json")));

        assertThat(message.chat()).isEqualTo(new ChatRef("D111", ChatKind.DIRECT, "1726133698.626339"));
        assertThat(message.platformMessageId()).isEqualTo("1726133700.887259");
        assertThat(message.text()).isEqualTo("When Slack was released?");
        assertThat(message.replyRoute().threadId()).isEqualTo("1726133698.626339");
    }

    @Test
    void aFileSharedInADirectMessageIsAPlaceholderBesideTheText() {
        InboundMessage message = single(receive(bot(null), fixture("message-im-file-share.json")));

        assertThat(message.text()).isEqualTo("message message message");
        assertThat(message.attachments()).containsExactly(
                new Attachment("document", "F04EEHX1EES", "text/plain", 12L, "namenamename.txt"));
    }

    @Test
    void aFileWithoutTextIsStillAQuestion() {
        String body = edited("message-im-file-share.json", envelope -> event(envelope).put("text", ""));

        assertThat(single(receive(bot(null), body)).attachments()).hasSize(1);
    }

    // --- mentions in channels ----------------------------------------------------------------------------------

    @Test
    void aMentionInAChannelStartsAThreadUnderItselfAndLosesTheMention() {
        InboundMessage message = single(receive(bot("W111"), fixture("app-mention.json")));

        assertThat(message.chat()).isEqualTo(new ChatRef("C111", ChatKind.GROUP, "1595926230.009600"));
        assertThat(message.platformMessageId()).isEqualTo("1595926230.009600");
        assertThat(message.sender()).isEqualTo(new Sender("W222", null, false));
        assertThat(message.text()).isEqualTo("Hi there!");
        assertThat(message.mentionsBot()).isTrue();
        assertThat(message.dedupKey()).isEqualTo("slack:helpdesk:Ev111");
        assertThat(message.replyRoute().threadId()).isEqualTo("1595926230.009600");
    }

    @Test
    void aMentionInAThreadKeepsTheThreadAsItsConversation() {
        String body = edited("app-mention.json", envelope -> event(envelope)
                .put("thread_ts", "1595926100.000200").put("text", "And what about <@W111> tomorrow?"));

        InboundMessage message = single(receive(bot("W111"), body));

        assertThat(message.chat()).isEqualTo(new ChatRef("C111", ChatKind.GROUP, "1595926100.000200"));
        assertThat(message.platformMessageId()).isEqualTo("1595926230.009600");
        assertThat(message.text()).isEqualTo("And what about tomorrow?");
    }

    @Test
    void aMentionNamesItsSenderFromTheUserProfileWhenSlackSendsOne() {
        String body = edited("app-mention.json", envelope -> event(envelope).putObject("user_profile")
                .put("real_name", "Ann Example").put("display_name", "ann").put("name", "ann.example"));

        assertThat(single(receive(bot("W111"), body)).sender()).isEqualTo(new Sender("W222", "ann", false));
    }

    @Test
    void aMentionWithAFileCarriesItsPlaceholder() {
        InboundMessage message = single(receive(bot("U111"), fixture("app-mention-with-file.json")));

        assertThat(message.text()).isEqualTo("hey");
        assertThat(message.attachments())
                .containsExactly(new Attachment("photo", "F111", "image/png", 1312009L, "test.png"));
    }

    @Test
    void aBareMentionIsNothingToAnswer() {
        acknowledgedOnly(receive(bot("W111"), edited("app-mention.json",
                envelope -> event(envelope).put("text", "<@W111>"))));
    }

    @Test
    void slackMarkupInTheQuestionIsWrittenAsText() {
        String body = edited("app-mention.json", envelope -> event(envelope).put("text",
                "<@W111> compare <https://example.com/a?b=1&amp;c=2|the docs> with a &lt; b &amp;&amp; c in "
                        + "<#C0123|general> and <#C0456>, cc <@U999|ann> <@U998> <!here> <https://example.org> "
                        + "<mailto:a@example.com|a@example.com> &amp;lt;"));

        assertThat(single(receive(bot("W111"), body)).text()).isEqualTo("compare [the docs](https://example.com/a?b=1&c=2)"
                + " with a < b && c in #general and <#C0456>, cc @ann <@U998> @here https://example.org a@example.com"
                + " &lt;");
    }

    @Test
    void aMessageInAChannelWithoutAMentionIsAcknowledgedBecauseAppMentionCarriesTheAddressedOnes() {
        acknowledgedOnly(receive(bot("U0442US8QGH"), fixture("message-channel.json")));
        // Even one that mentions the bot: its app_mention twin is the question.
        acknowledgedOnly(receive(bot("U0442US8QGH"), edited("message-channel.json",
                envelope -> event(envelope).put("text", "<@U0442US8QGH> hello"))));
    }

    @Test
    void aMentionInADirectMessageChannelIsLeftToTheMessageEvent() {
        acknowledgedOnly(receive(bot("W111"), edited("app-mention.json",
                envelope -> event(envelope).put("channel", "D0442US94JD"))));
    }

    // --- edits and deletions -----------------------------------------------------------------------------------

    @Test
    void anEditedMentionIsACorrectedQuestionDeduplicatedOnItsOwnEvent() {
        InboundMessage edit = single(receive(bot("U111"), fixture("app-mention-edited.json")));

        assertThat(edit.text()).isEqualTo("edited message");
        assertThat(edit.platformMessageId()).isEqualTo("1622877872.008800");
        assertThat(edit.chat()).isEqualTo(new ChatRef("C111", ChatKind.GROUP, "1622877872.008800"));
        assertThat(edit.dedupKey()).isEqualTo("slack:helpdesk:Ev0001EDIT");
        assertThat(edit.platformTimestamp()).isEqualTo(Instant.ofEpochSecond(1622877902));
        assertThat(edit.attachments()).isEmpty();
    }

    @Test
    void anEditedMentionCarriesNoAttachmentsBecauseTheFilesWentWithTheOriginal() {
        String body = edited("app-mention-with-file.json", envelope -> event(envelope).putObject("edited")
                .put("user", "U03E94MK0").put("ts", "1707806400.000000"));

        InboundMessage edit = single(receive(bot("U111"), body));

        assertThat(edit.text()).isEqualTo("hey");
        assertThat(edit.attachments()).isEmpty();
    }

    @Test
    void anEditInADirectMessageIsACorrectedQuestion() {
        // The SDK's test payload is a channel thread's edit; the same edit in a DM is what Slack sends to message.im.
        String body = edited("message-changed-thread-reply.json", envelope -> {
            event(envelope).put("channel_type", "im").put("channel", "D111");
        });

        InboundMessage edit = single(receive(bot("W999"), body));

        assertThat(edit.text()).isEqualTo("updated message");
        assertThat(edit.platformMessageId()).isEqualTo("1626342128.008700");
        assertThat(edit.chat()).isEqualTo(new ChatRef("D111", ChatKind.DIRECT, "1626342092.008500"));
        assertThat(edit.sender()).isEqualTo(new Sender("U111", null, false));
        assertThat(edit.dedupKey()).isEqualTo("slack:helpdesk:Ev0004EDIT");
        assertThat(edit.platformTimestamp()).isEqualTo(Instant.ofEpochSecond(1626342137));
    }

    @Test
    void editsInChannelsAreAcknowledgedBecauseTheEditedMentionCarriesThem() {
        acknowledgedOnly(receive(bot("W999"), fixture("message-changed-thread-reply.json")));
        acknowledgedOnly(receive(bot("W999"), fixture("message-changed-channel.json")));
    }

    @Test
    void aChangeThatLeavesTheTextAsItWasIsNoEdit() {
        // A link preview added to a message: message_changed with the same text.
        acknowledgedOnly(receive(bot("U0442US8QGH"), edited("message-changed-unfurl.json",
                envelope -> event(envelope).put("channel_type", "im").put("channel", "D0442US94JD"))));
    }

    @Test
    void aDeletedThreadParentsTombstoneIsNoEdit() {
        acknowledgedOnly(receive(bot("W999"), fixture("message-changed-im-tombstone.json")));
    }

    @Test
    void aDeletionIsAcknowledged() {
        acknowledgedOnly(receive(bot("U0442US8QGH"), fixture("message-deleted.json")));
        acknowledgedOnly(receive(bot("U0442US8QGH"), edited("message-deleted.json",
                envelope -> event(envelope).put("channel_type", "im").put("channel", "D0442US94JD"))));
    }

    @Test
    void theBotsOwnEditIsAcknowledged() {
        String body = edited("message-changed-thread-reply.json", envelope -> {
            event(envelope).put("channel_type", "im").put("channel", "D111");
            ((ObjectNode) event(envelope).get("message")).put("user", "U0BOT").put("bot_id", "B0BOT");
        });

        acknowledgedOnly(receive(bot("U0BOT"), body));
    }

    // --- bots and service messages -----------------------------------------------------------------------------

    @Test
    void theBotsOwnAnswersComingBackAreAcknowledged() {
        acknowledgedOnly(receive(bot("U0442US8QGH"), fixture("message-own-bot-reply.json")));
        // The same answer in a DM, where people's messages are questions.
        String inDm = edited("message-own-bot-reply.json",
                envelope -> event(envelope).put("channel_type", "im").put("channel", "D0442US94JD"));
        acknowledgedOnly(receive(bot("U0442US8QGH"), inDm));
        acknowledgedOnly(receive(bot(null), inDm));
    }

    @Test
    void theBotUsersOwnMessageWithoutABotIdIsAcknowledged() {
        String body = edited("message-im.json", envelope -> event(envelope).put("user", "U0442US8QGH"));

        acknowledgedOnly(receive(bot("U0442US8QGH"), body));
        acknowledgedOnly(receive(bot(null), body));
    }

    @Test
    void otherBotsMessagesAreAcknowledged() {
        String botInDm = edited("message-bot-user.json", envelope -> event(envelope)
                .put("channel_type", "im").put("channel", "D0123").put("user", "UB222"));

        acknowledgedOnly(receive(bot("W111"), botInDm));
        acknowledgedOnly(receive(bot("W111"), fixture("message-classic-bot.json")));
        acknowledgedOnly(receive(bot("U07K4E18KJM"), fixture("message-subtype-bot-message.json")));
    }

    @Test
    void anotherBotMentioningTheBotIsAcknowledged() {
        acknowledgedOnly(receive(bot("U111"), fixture("app-mention-from-bot.json")));
        acknowledgedOnly(receive(bot("U111"), edited("app-mention-from-bot.json", envelope -> {
            event(envelope).remove("subtype");
            event(envelope).put("user", "U0OTHERBOT");
        })));
    }

    @Test
    void slackbotsNoticesAreAcknowledged() {
        acknowledgedOnly(receive(bot("U0442US8QGH"), fixture("message-im-slackbot.json")));
    }

    @Test
    void channelJoinsAreAcknowledged() {
        acknowledgedOnly(receive(bot("U0442US8QGH"), fixture("channel-join.json")));
        acknowledgedOnly(receive(bot("U0442US8QGH"), edited("channel-join.json",
                envelope -> event(envelope).put("channel_type", "im").put("user", "U0PERSON"))));
    }

    @Test
    void eventsAndEnvelopesParleyDoesNotReadAreAcknowledged() {
        acknowledgedOnly(receive(bot(null), "{\"type\":\"app_rate_limited\",\"team_id\":\"T1\",\"minute_rate_limited\":1}"));
        acknowledgedOnly(receive(bot(null), edited("message-im.json", envelope -> event(envelope)
                .put("type", "reaction_added"))));
        acknowledgedOnly(receive(bot(null), edited("message-im.json", envelope -> event(envelope)
                .put("subtype", "some_subtype_from_a_later_api"))));
        acknowledgedOnly(receive(bot(null), "{\"type\":\"something_new\"}"));
    }

    // --- bad input ---------------------------------------------------------------------------------------------

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413AfterTheSignature() {
        String body = "{\"type\":\"x\"}" + " ".repeat(MAX_BODY_BYTES + 1 - "{\"type\":\"x\"}".length());

        assertThat(body.getBytes(UTF_8)).hasSize(MAX_BODY_BYTES + 1);
        assertThat(receive(bot(null), body)).isEqualTo(new InboundOutcome.Refused(413, "body larger than 1 MiB"));
        assertThat(status(receive(bot(null), body, Map.of())))
                .as("the signature is checked first, so strangers learn nothing about limits").isEqualTo(401);
    }

    @Test
    void aBodyOfExactlyOneMebibyteIsRead() {
        String event = fixture("message-im.json").strip();
        String body = event + " ".repeat(MAX_BODY_BYTES - event.getBytes(UTF_8).length);

        assertThat(body.getBytes(UTF_8)).hasSize(MAX_BODY_BYTES);
        assertThat(single(receive(bot(null), body)).text()).isEqualTo("test");
    }

    @Test
    void malformedBodiesAreRefusedWith400AndAReason() {
        assertThat(receive(bot(null), "{not json")).isEqualTo(new InboundOutcome.Refused(400, "body is not valid JSON"));
        assertThat(receive(bot(null), "{\"type\":\"event_callback\"} {}"))
                .isEqualTo(new InboundOutcome.Refused(400, "body is not valid JSON"));
        assertThat(receive(bot(null), "[1,2]")).isEqualTo(new InboundOutcome.Refused(400, "body must be a JSON object"));
        assertThat(receive(bot(null), "null")).isEqualTo(new InboundOutcome.Refused(400, "body must be a JSON object"));
        assertThat(receive(bot(null), edited("message-im.json", envelope -> envelope.remove("event_id"))))
                .isEqualTo(new InboundOutcome.Refused(400, "event_callback has no event_id"));
        assertThat(receive(bot(null), edited("message-im.json", envelope -> envelope.put("event", "message"))))
                .isEqualTo(new InboundOutcome.Refused(400, "event_callback has no event object"));
        assertThat(receive(bot(null), edited("message-im.json", envelope -> event(envelope).putObject("text"))))
                .isEqualTo(new InboundOutcome.Refused(400, "event is not a Slack message event"));
        assertThat(receive(bot(null), edited("message-im-file-share.json",
                envelope -> event(envelope).putObject("files"))))
                .isEqualTo(new InboundOutcome.Refused(400, "event is not a Slack message event of subtype file_share"));
        assertThat(receive(bot("W111"), edited("app-mention.json", envelope -> event(envelope).remove("channel"))))
                .isEqualTo(new InboundOutcome.Refused(400, "app_mention event has no channel or no ts"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "}", "{\"type\":", "\u0000", "{\"type\":\"event_callback\",\"event_id\":\"E\","
            + "\"event\":{\"type\":\"message\",\"channel_type\":\"im\",\"user\":[1]}}",
            "{\"type\":\"event_callback\",\"event_id\":1,\"event\":{}}",
            "{\"type\":\"event_callback\",\"event_id\":\"E\",\"event\":{\"type\":\"app_mention\",\"edited\":5}}"})
    void noMalformedBodyGetsAnythingButA400(String body) {
        assertThat(status(receive(bot(null), body))).isEqualTo(400);
    }

    @Test
    void deeplyNestedJsonIsRefusedNotOverflowed() {
        String body = "{\"type\":\"event_callback\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";

        assertThat(receive(bot(null), body)).isEqualTo(new InboundOutcome.Refused(400, "body is not valid JSON"));
    }

    @Test
    void unknownFieldsAndBlockTypesAreTolerated() {
        String body = edited("message-im.json", envelope -> {
            envelope.put("field_from_a_later_api", true);
            event(envelope).putObject("future_object").put("x", 1);
            event(envelope).withArray("blocks").addObject().put("type", "block_from_a_later_api");
            event(envelope).withArray("blocks").addObject().put("no_type", true);
            event(envelope).withArray("attachments").addObject().put("fallback", 5);
        });

        assertThat(single(receive(bot(null), body)).text()).isEqualTo("test");
    }
}
