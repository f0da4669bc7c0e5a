package dev.parley.adapter.webchat;

/**
 * The web chat's socket protocol, one JSON object per frame, shared by the page's script and the hub.
 *
 * <pre>
 * client → hub   {"type":"message","id":"&lt;client message id&gt;","text":"…"}
 * hub → client   {"type":"welcome","visitorToken":"…","conversationId":"…"}    once per connection
 *                {"type":"accepted","id":"…"}            the message is durably in Kafka
 *                {"type":"rejected","id":"…","status":400,"reason":"…"}
 *                {"type":"reply","replyTo":"…","requestId":"…","kind":"final","markdown":"…","html":"…"}
 * </pre>
 */
public final class WebChatFrames {
    public static final String MESSAGE = "message";
    public static final String WELCOME = "welcome";
    public static final String ACCEPTED = "accepted";
    public static final String REJECTED = "rejected";
    public static final String REPLY = "reply";

    /** Longest message a visitor may send, in characters; longer frames are refused with 413. */
    public static final int MAX_TEXT_CHARS = 4000;

    private WebChatFrames() {
    }
}
