package dev.parley.hub.registry;

import java.util.List;
import java.util.Set;
import org.infinispan.protostream.annotations.Proto;

/**
 * Who may talk to a bot and how much: direct messages {@code open} to anyone, limited to an {@code allowlist} of
 * platform user ids, or by {@code pairing} (an admin approves each new user); whether groups need a mention; and
 * the per-user message rate; the bot's daily model-request quota (0: the hub's default). Enforced by the
 * pipeline.
 */
@Proto
public record BotPolicy(String directMessages, List<String> allowlist, boolean groupsRequireMention,
                        int userMessagesPerMinute, long dailyModelRequests) {

    public static final Set<String> DIRECT_MESSAGE_MODES = Set.of("open", "allowlist", "pairing");

    public static BotPolicy defaults() {
        return new BotPolicy("open", List.of(), true, 20, 0);
    }

    public BotPolicy {
        allowlist = allowlist == null ? List.of() : List.copyOf(allowlist);
    }
}
