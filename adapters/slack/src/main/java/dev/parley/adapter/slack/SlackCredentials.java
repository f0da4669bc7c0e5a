package dev.parley.adapter.slack;

/** The names under which a Slack app's credentials are stored in Parley's registry. */
public final class SlackCredentials {

    /** The bot user OAuth token ({@code xoxb-…}) for Web API calls; required. */
    public static final String BOT_TOKEN = "botToken";

    /** The app's signing secret, the HMAC key of every Events API request; required. */
    public static final String SIGNING_SECRET = "signingSecret";

    /** An app-level token ({@code xapp-…}) for Socket Mode instead of a public Request URL; optional. */
    public static final String APP_TOKEN = "appToken";

    private SlackCredentials() {
    }
}
