package dev.parley.simulators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook bodies as Meta POSTs them for the WhatsApp Business Account {@code messages} field, and their
 * {@code X-Hub-Signature-256} header, for tests that play Meta calling Parley. Shapes from Meta's webhook reference
 * (developers.facebook.com/docs/whatsapp/cloud-api/webhooks/payload-examples, messages and statuses).
 */
public final class WhatsAppWebhooks {

    /** The WhatsApp Business Account id of Meta's payload examples, for {@code entry[].id} when none is given. */
    public static final String EXAMPLE_BUSINESS_ACCOUNT_ID = "102290129340398";
    /** The display number of Meta's payload examples, for {@code metadata} when none is given. */
    public static final String EXAMPLE_DISPLAY_PHONE_NUMBER = "15550783881";

    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code failed} is left to {@link #failedStatus}: Meta never sends it without the error. */
    private static final Set<String> STATUSES = Set.of("sent", "delivered", "read");
    private static final String ERROR_CODES = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";

    private WhatsAppWebhooks() {
    }

    /** An inbound text message to {@code phoneNumberId}, in an entry of {@link #EXAMPLE_BUSINESS_ACCOUNT_ID}. */
    public static String textMessage(String phoneNumberId, String displayPhone, String fromWaId, String profileName,
                                     String wamid, String text, long epochSeconds) {
        return textMessage(EXAMPLE_BUSINESS_ACCOUNT_ID, phoneNumberId, displayPhone, fromWaId, profileName, wamid, text,
                epochSeconds);
    }

    /**
     * An inbound text message: {@code contacts} with the user's profile name and {@code messages} with one
     * {@code "type":"text"} message. Meta sends the timestamp as a string of epoch seconds.
     */
    public static String textMessage(String wabaId, String phoneNumberId, String displayPhone, String fromWaId,
                                     String profileName, String wamid, String text, long epochSeconds) {
        return payload(wabaId, phoneNumberId, displayPhone, value -> {
            ObjectNode contact = value.putArray("contacts").addObject();
            contact.putObject("profile").put("name", profileName);
            contact.put("wa_id", fromWaId);
            ObjectNode message = value.putArray("messages").addObject();
            message.put("from", fromWaId);
            message.put("id", wamid);
            message.put("timestamp", Long.toString(epochSeconds));
            message.put("type", "text");
            message.putObject("text").put("body", text);
        });
    }

    /**
     * A status of a message the business sent: {@code sent}, {@code delivered}, {@code read} (use
     * {@link #failedStatus} for {@code failed}, which carries the error), under {@link #EXAMPLE_DISPLAY_PHONE_NUMBER}.
     */
    public static String status(String phoneNumberId, String wamid, String recipientWaId, String status,
                                long epochSeconds) {
        return status(EXAMPLE_BUSINESS_ACCOUNT_ID, phoneNumberId, EXAMPLE_DISPLAY_PHONE_NUMBER, wamid, recipientWaId,
                status, epochSeconds);
    }

    public static String status(String wabaId, String phoneNumberId, String displayPhone, String wamid,
                                String recipientWaId, String status, long epochSeconds) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("a status is sent, delivered or read (failedStatus for failed), not "
                    + status);
        }
        return payload(wabaId, phoneNumberId, displayPhone,
                value -> statusObject(value, wamid, recipientWaId, status, epochSeconds));
    }

    /**
     * A {@code failed} status, as Meta reports errors found after accepting the message (131047 outside the
     * 24-hour window, 131026 undeliverable, …): {@code errors[]} with {@code code}, {@code title}, {@code message}
     * (Meta repeats the title), {@code error_data.details} and {@code href}.
     */
    public static String failedStatus(String phoneNumberId, String wamid, String recipientWaId, int code,
                                      String title, String details, long epochSeconds) {
        return payload(EXAMPLE_BUSINESS_ACCOUNT_ID, phoneNumberId, EXAMPLE_DISPLAY_PHONE_NUMBER, value -> {
            ObjectNode error = statusObject(value, wamid, recipientWaId, "failed", epochSeconds)
                    .putArray("errors").addObject();
            error.put("code", code);
            error.put("title", title);
            error.put("message", title);
            error.putObject("error_data").put("details", details);
            error.put("href", ERROR_CODES);
        });
    }

    /**
     * The {@code X-Hub-Signature-256} value Meta sends with each webhook: {@code sha256=} and the lowercase hex
     * HMAC-SHA256 of the raw body, keyed with the app secret.
     */
    public static String signature(String appSecret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    private static ObjectNode statusObject(ObjectNode value, String wamid, String recipientWaId, String status,
                                           long epochSeconds) {
        ObjectNode object = value.putArray("statuses").addObject();
        object.put("id", wamid);
        object.put("status", status);
        object.put("timestamp", Long.toString(epochSeconds));
        object.put("recipient_id", recipientWaId);
        return object;
    }

    /** The envelope every {@code messages} field notification shares; {@code content} fills its {@code value}. */
    private static String payload(String wabaId, String phoneNumberId, String displayPhone,
                                  Consumer<ObjectNode> content) {
        ObjectNode root = JSON.createObjectNode();
        root.put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject();
        entry.put("id", wabaId);
        ObjectNode change = entry.putArray("changes").addObject();
        ObjectNode value = change.putObject("value");
        value.put("messaging_product", "whatsapp");
        ObjectNode metadata = value.putObject("metadata");
        metadata.put("display_phone_number", displayPhone);
        metadata.put("phone_number_id", phoneNumberId);
        content.accept(value);
        change.put("field", "messages");
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }
}
