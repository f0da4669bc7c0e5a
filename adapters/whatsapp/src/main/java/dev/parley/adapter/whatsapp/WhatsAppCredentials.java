package dev.parley.adapter.whatsapp;

/** The names under which a WhatsApp Business number's credentials are stored in Parley's registry. */
public final class WhatsAppCredentials {

    /** A system-user access token for the Graph API's {@code /{phone_number_id}/messages}; required. */
    public static final String ACCESS_TOKEN = "accessToken";

    /** The Meta app's secret, the HMAC key of {@code X-Hub-Signature-256} on every webhook call; required. */
    public static final String APP_SECRET = "appSecret";

    /** The string Meta's webhook handshake echoes as {@code hub.verify_token}; the admin chooses it; required. */
    public static final String VERIFY_TOKEN = "verifyToken";

    /** The business phone number's Graph id, which sends the bot's replies; required, not a secret. */
    public static final String PHONE_NUMBER_ID = "phoneNumberId";

    /** The Graph API version the bot's calls use, e.g. {@code v23.0}; optional, not a secret. */
    public static final String GRAPH_VERSION = "graphVersion";

    /** The Meta app's id; with {@link #BUSINESS_ACCOUNT_ID} Parley can subscribe the app to the account; optional. */
    public static final String APP_ID = "appId";

    /** The WhatsApp Business Account (WABA) id the number belongs to; optional, not a secret. */
    public static final String BUSINESS_ACCOUNT_ID = "businessAccountId";

    private WhatsAppCredentials() {
    }
}
