package dev.parley.adapter.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.Platform;
import dev.parley.contract.spi.BotProfile;
import dev.parley.contract.spi.RegistrationOutcome;
import dev.parley.simulators.SlackWebApiServer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SlackRegistrationTest {

    private static final String TOKEN = "xoxb-1111-2222-tokenfortests";
    private static final String SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String REQUEST_URL = "https://parley.example.com/webhooks/slack/helpdesk";

    private final SlackWebApiServer slack = SlackWebApiServer.start();
    private final SlackRegistration registration = new SlackRegistration();

    {
        slack.registerBot(TOKEN, new SlackWebApiServer.BotUser("T0PARLEY", "Parley Support", "U0HELPER", "helpdesk",
                "B0HELPER"));
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    private BotProfile bot(String token, String apiBaseUrl) {
        return new BotProfile("helpdesk", Platform.SLACK, "Helpdesk",
                Map.of(SlackCredentials.BOT_TOKEN, token, SlackCredentials.SIGNING_SECRET, SIGNING_SECRET), apiBaseUrl);
    }

    private static Map<String, Object> done(RegistrationOutcome outcome) {
        assertThat(outcome).isInstanceOf(RegistrationOutcome.Done.class);
        return ((RegistrationOutcome.Done) outcome).details();
    }

    private static String refused(RegistrationOutcome outcome) {
        assertThat(outcome).isInstanceOf(RegistrationOutcome.Refused.class);
        return ((RegistrationOutcome.Refused) outcome).platformError();
    }

    @Test
    void theRegistrarNamesItsCredentials() {
        assertThat(registration.platform()).isEqualTo(Platform.SLACK);
        assertThat(registration.requiredCredentials()).containsExactlyInAnyOrder("botToken", "signingSecret");
        assertThat(registration.optionalCredentials()).containsExactly("appToken");
        assertThat(registration.generatedSecret()).isEmpty();
    }

    @Test
    void registerChecksTheTokenAndAnswersWhatTheAdminPastes() {
        RegistrationOutcome outcome = registration.register(bot(TOKEN, slack.baseUrl()), REQUEST_URL);

        Map<String, Object> details = done(outcome);
        assertThat(details).containsEntry("requestUrl", REQUEST_URL)
                .containsEntry("teamId", "T0PARLEY")
                .containsEntry("team", "Parley Support")
                .containsEntry("botUserId", "U0HELPER")
                .containsEntry("botId", "B0HELPER")
                .containsEntry("botEvents", SlackRegistration.BOT_EVENTS);
        assertThat((String) details.get("instructions")).contains("Event Subscriptions", REQUEST_URL, "message.im");
        assertThat(outcome.toString()).doesNotContain(TOKEN, SIGNING_SECRET);

        assertThat(slack.calls("auth.test")).singleElement()
                .satisfies(call -> assertThat(call.token()).isEqualTo(TOKEN));
    }

    @Test
    void inspectSaysWhetherTheTokenWorksAndForWhichBot() {
        assertThat(done(registration.inspect(bot(TOKEN, slack.baseUrl()))))
                .containsEntry("tokenValid", true)
                .containsEntry("botUserId", "U0HELPER")
                .containsEntry("workspaceUrl", "https://parley-support.slack.com/");
    }

    @Test
    void anInvalidTokenIsRefusedWithSlacksErrorCode() {
        assertThat(refused(registration.register(bot("xoxb-revoked", slack.baseUrl()), REQUEST_URL)))
                .isEqualTo("invalid_auth");

        slack.failNext("auth.test", "invalid_auth");
        assertThat(refused(registration.inspect(bot(TOKEN, slack.baseUrl())))).isEqualTo("invalid_auth");
    }

    @Test
    void aRateLimitIsRefusedWithSlacksErrorCode() {
        slack.rateLimitNext("auth.test", 20);

        assertThat(refused(registration.inspect(bot(TOKEN, slack.baseUrl())))).isEqualTo("ratelimited");
    }

    @Test
    void anUnreachableSlackIsRefusedWithoutTheToken() {
        SlackWebApiServer gone = SlackWebApiServer.start();
        String goneUrl = gone.baseUrl();
        gone.close();

        RegistrationOutcome outcome = registration.register(bot(TOKEN, goneUrl), REQUEST_URL);

        assertThat(refused(outcome)).startsWith("Slack unreachable: ");
        assertThat(outcome.toString()).doesNotContain(TOKEN, SIGNING_SECRET);
    }

    @Test
    void aBotWithoutTokenIsRefusedBeforeAnyCall() {
        BotProfile noToken = new BotProfile("helpdesk", Platform.SLACK, "Helpdesk",
                Map.of(SlackCredentials.SIGNING_SECRET, SIGNING_SECRET), slack.baseUrl());

        assertThat(refused(registration.register(noToken, REQUEST_URL))).isEqualTo("the bot has no botToken");
        assertThat(slack.calls()).isEmpty();
    }

    @Test
    void removeTellsTheAdminWhereToTakeTheRequestUrlAwayWithoutCallingSlack() {
        Map<String, Object> details = done(registration.remove(bot(TOKEN, slack.baseUrl())));

        assertThat((String) details.get("instructions")).contains("Event Subscriptions", "Enable Events");
        assertThat(slack.calls()).isEmpty();
    }
}
