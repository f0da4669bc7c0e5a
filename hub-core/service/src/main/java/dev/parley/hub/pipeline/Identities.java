package dev.parley.hub.pipeline;

import dev.parley.contract.Platform;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;

/**
 * Who a platform user is across Parley: every platform identity maps, in Redis, to a unified user id. Linking
 * points a second identity at the first one's id, so both continue one direct conversation; unlinking gives the
 * identity a fresh id of its own.
 */
@ApplicationScoped
public class Identities {

    /** Link codes avoid look-alike characters: people type them on their phone. */
    private static final char[] CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final int CODE_LENGTH = 6;
    static final Duration LINK_CODE_TTL = Duration.ofMinutes(10);

    /** What a {@code /link CODE} came to. */
    public enum LinkResult { LINKED, ALREADY_LINKED, UNKNOWN_CODE }

    private final ReactiveValueCommands<String, String> values;
    private final SecureRandom random = new SecureRandom();

    public Identities(ReactiveRedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    /** The unified user id of a platform identity, created on first sight (the same on every node). */
    public Uni<String> unifiedUser(Platform platform, String platformUserId) {
        String key = identityKey(platform, platformUserId);
        String fresh = newUserId();
        // SET NX GET: one round trip, and two nodes seeing a new user at once agree on one id.
        return values.setGet(key, fresh, new SetArgs().nx()).map(existing -> existing == null ? fresh : existing);
    }

    /** A one-time code, valid ten minutes, that links another platform identity to this user. */
    public Uni<String> issueLinkCode(String unifiedUser) {
        String code = newCode();
        return values.set(codeKey(code), unifiedUser, new SetArgs().px(LINK_CODE_TTL)).replaceWith(code);
    }

    public Uni<LinkResult> link(Platform platform, String platformUserId, String currentUser, String code) {
        return values.getdel(codeKey(code.strip().toUpperCase(java.util.Locale.ROOT))).flatMap(target -> {
            if (target == null) {
                return Uni.createFrom().item(LinkResult.UNKNOWN_CODE);
            }
            if (target.equals(currentUser)) {
                return Uni.createFrom().item(LinkResult.ALREADY_LINKED);
            }
            return values.set(identityKey(platform, platformUserId), target).replaceWith(LinkResult.LINKED);
        });
    }

    /** Gives the identity a fresh unified id: it no longer shares a conversation with the others. */
    public Uni<String> unlink(Platform platform, String platformUserId) {
        String fresh = newUserId();
        return values.set(identityKey(platform, platformUserId), fresh).replaceWith(fresh);
    }

    private String newUserId() {
        byte[] id = new byte[12];
        random.nextBytes(id);
        return "u" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(CODE_LENGTH);
        for (int i = 0; i < CODE_LENGTH; i++) {
            code.append(CODE_ALPHABET[random.nextInt(CODE_ALPHABET.length)]);
        }
        return code.toString();
    }

    private static String identityKey(Platform platform, String platformUserId) {
        return "parley:identity:" + platform.id() + ":" + platformUserId;
    }

    private static String codeKey(String code) {
        return "parley:link-code:" + code;
    }
}
