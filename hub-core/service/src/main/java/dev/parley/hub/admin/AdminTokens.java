package dev.parley.hub.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API's bearer tokens, configured only as salted hashes with a role:
 * {@code name:role:saltHex:sha256Hex}, where the hash is SHA-256 of {@code saltHex + ":" + token}. Tokens are
 * random and long (the local stack makes 32 bytes), so a fast salted hash is enough; the configuration never holds
 * a usable token.
 */
public final class AdminTokens {

    public static final String ADMIN = "admin";
    public static final String VIEWER = "viewer";

    /** Who a token belongs to and what it may do. */
    public record Holder(String name, String role) {
    }

    private record Entry(Holder holder, String salt, byte[] hash) {
    }

    private final List<Entry> entries;

    public AdminTokens(List<String> configured) {
        this.entries = configured.stream().map(AdminTokens::parse).toList();
    }

    private static Entry parse(String line) {
        String[] parts = line.strip().split(":");
        if (parts.length != 4 || parts[0].isBlank() || !Set.of(ADMIN, VIEWER).contains(parts[1])) {
            throw new IllegalArgumentException("parley.admin.tokens entries are name:role:saltHex:sha256Hex with role "
                    + "admin or viewer; one starting with '" + parts[0] + "' is not");
        }
        try {
            return new Entry(new Holder(parts[0], parts[1]), parts[2], HexFormat.of().parseHex(parts[3]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("parley.admin.tokens entry '" + parts[0] + "' has a hash that is not hex");
        }
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public Optional<Holder> holderOf(String token) {
        Holder found = null;
        for (Entry entry : entries) {
            // Every entry is compared, in constant time, so timing says nothing about which one matched.
            if (MessageDigest.isEqual(entry.hash(), hash(entry.salt(), token)) && found == null) {
                found = entry.holder();
            }
        }
        return Optional.ofNullable(found);
    }

    /** The configuration line for a token (used by tests and documented for operators). */
    public static String line(String name, String role, String saltHex, String token) {
        return name + ":" + role + ":" + saltHex + ":" + HexFormat.of().formatHex(hash(saltHex, token));
    }

    private static byte[] hash(String salt, String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest((salt + ":" + token).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
