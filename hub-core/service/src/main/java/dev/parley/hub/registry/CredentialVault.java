package dev.parley.hub.registry;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts bot credentials with AES-256-GCM under the master key from {@code PARLEY_MASTER_KEY}. Each ciphertext
 * names the key that sealed it, so the master key can be rotated: list the new key first and the old ones after
 * it, and entries sealed with an old key still open (they are re-sealed with the new key when next written).
 * The additional authenticated data binds a ciphertext to its bot and credential name, so a ciphertext copied
 * to another bot or field does not open.
 */
public final class CredentialVault {

    /** One sealed credential: the id of the key that sealed it, the GCM nonce, the ciphertext with its tag. */
    public record Sealed(String keyId, byte[] nonce, byte[] ciphertext) {
    }

    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<String, SecretKeySpec> keysById = new LinkedHashMap<>();
    private final String currentKeyId;
    private final SecretKeySpec fingerprintKey;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param masterKeys comma-separated base64 AES-256 keys; the first seals, all open. Generate one with
     *                   {@code openssl rand -base64 32}.
     */
    public CredentialVault(String masterKeys) {
        if (masterKeys == null || masterKeys.isBlank()) {
            throw new IllegalArgumentException("PARLEY_MASTER_KEY is not set");
        }
        String first = null;
        for (String encoded : masterKeys.split(",")) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(encoded.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("PARLEY_MASTER_KEY holds a key that is not base64");
            }
            if (key.length != KEY_BYTES) {
                throw new IllegalArgumentException("PARLEY_MASTER_KEY keys must be 32 bytes (AES-256), one was "
                        + key.length + " (generate one with: openssl rand -base64 32)");
            }
            String id = keyId(key);
            keysById.putIfAbsent(id, new SecretKeySpec(key, "AES"));
            first = first == null ? id : first;
        }
        this.currentKeyId = first;
        // Fingerprints are keyed so that a short, guessable secret (a verify token) cannot be found from its print.
        this.fingerprintKey = new SecretKeySpec(hmac(keysById.get(first).getEncoded(), "parley-fingerprint"),
                "HmacSHA256");
    }

    /** The key new credentials are sealed with. */
    public String currentKeyId() {
        return currentKeyId;
    }

    public Sealed seal(String botId, String name, String secret) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keysById.get(currentKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(botId, name));
            return new Sealed(currentKeyId, nonce, cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** Opens a credential; fails with a message that names the bot and field, never the secret. */
    public String open(String botId, String name, Sealed sealed) {
        SecretKeySpec key = keysById.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("credential " + name + " of bot " + botId + " was sealed with master key "
                    + sealed.keyId() + ", which is not in PARLEY_MASTER_KEY");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed.nonce()));
            cipher.updateAAD(aad(botId, name));
            return new String(cipher.doFinal(sealed.ciphertext()), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("credential " + name + " of bot " + botId
                    + " does not open: tampered with, or sealed for another bot or field");
        }
    }

    /** A short keyed fingerprint, enough for an admin to tell two secrets apart without seeing either. */
    public String fingerprint(String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(fingerprintKey);
            return HexFormat.of().formatHex(mac.doFinal(secret.getBytes(StandardCharsets.UTF_8)), 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private static byte[] aad(String botId, String name) {
        byte[] bot = botId.getBytes(StandardCharsets.UTF_8);
        byte[] field = name.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + bot.length + field.length)
                .putInt(bot.length).put(bot).putInt(field.length).put(field).array();
    }

    private static String keyId(byte[] key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(hmac(key, "parley-key-id"));
            return "k" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static byte[] hmac(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
