package dev.parley.hub.ingress;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and verifies the signed tokens that let a web chat visitor keep their conversation across page reloads
 * and hub nodes: {@code v1.<visitor id>.<HMAC-SHA256 signature>}. The browser keeps the token; the hub keeps
 * nothing per visitor.
 */
public final class VisitorTokens {

    private static final String VERSION = "v1";
    private static final int MIN_KEY_BYTES = 32;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Secret the shared signing key, base64 (standard or URL alphabet), at least 32 bytes */
    public VisitorTokens(String base64Secret) {
        byte[] secret;
        try {
            secret = Base64.getMimeDecoder().decode(base64Secret.replace('-', '+').replace('_', '/'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parley.webchat.token-secret is not base64");
        }
        if (secret.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("parley.webchat.token-secret must decode to at least "
                    + MIN_KEY_BYTES + " bytes (generate one with: openssl rand -base64 32)");
        }
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    /** A token for a new visitor. */
    public String issue() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        String visitorId = "v" + B64.encodeToString(id);
        return VERSION + "." + visitorId + "." + sign(visitorId);
    }

    /** The visitor id inside a token this hub (or any node sharing its key) issued; empty for anything else. */
    public Optional<String> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !VERSION.equals(parts[0]) || parts[1].isEmpty()) {
            return Optional.empty();
        }
        byte[] expected = sign(parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] given = parts[2].getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? Optional.of(parts[1]) : Optional.empty();
    }

    private String sign(String visitorId) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return B64.encodeToString(mac.doFinal((VERSION + "." + visitorId).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
