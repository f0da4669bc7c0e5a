package dev.parley.hub.pipeline;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.value.ReactiveValueCommands;
import io.quarkus.redis.datasource.value.SetArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Locale;

/**
 * Pairing for bots whose direct messages are limited to approved people: an unknown user gets a short code, an
 * admin approves the code through the admin API, and the user's platform id joins the bot's allowlist. Codes live
 * an hour in Redis; a user asking again within that hour gets the same code.
 */
@ApplicationScoped
public class Pairings {

    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
    private static final Duration TTL = Duration.ofHours(1);

    private final ReactiveValueCommands<String, String> values;
    private final SecureRandom random = new SecureRandom();

    public Pairings(ReactiveRedisDataSource redis) {
        this.values = redis.value(String.class);
    }

    /** The user's pending pairing code, issued now if they have none. */
    public Uni<String> codeFor(String botId, String platformUserId) {
        String code = newCode();
        return values.setGet(userKey(botId, platformUserId), code, new SetArgs().nx().px(TTL)).flatMap(existing ->
                existing != null ? Uni.createFrom().item(existing)
                        : values.set(codeKey(botId, code), platformUserId, new SetArgs().px(TTL)).replaceWith(code));
    }

    /** The platform user id the code was issued to, removing the code; {@code null} for an unknown code. */
    public Uni<String> redeem(String botId, String code) {
        return values.getdel(codeKey(botId, code.strip().toUpperCase(Locale.ROOT))).call(user -> user == null
                ? Uni.createFrom().nullItem() : values.getdel(userKey(botId, user)));
    }

    private String newCode() {
        StringBuilder code = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            code.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return code.toString();
    }

    private static String codeKey(String botId, String code) {
        return "parley:pairing:" + botId + ":" + code;
    }

    private static String userKey(String botId, String platformUserId) {
        return "parley:pairing-user:" + botId + ":" + platformUserId;
    }
}
