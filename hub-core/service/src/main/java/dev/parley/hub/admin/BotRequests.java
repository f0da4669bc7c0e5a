package dev.parley.hub.admin;

import java.util.List;
import java.util.Map;

/** The bodies admins send. {@code null} in a change means "leave as it is". */
public final class BotRequests {

    private BotRequests() {
    }

    /** {@code POST /admin/bots}. */
    public record Creation(String id, String platform, String displayName, Map<String, String> credentials,
                           String apiBaseUrl, PolicyChange policy) {
    }

    /**
     * {@code PATCH /admin/bots/{id}}. A credential mapped to {@code null} is removed (optional ones only); an empty
     * {@code apiBaseUrl} removes it.
     */
    public record Change(String displayName, Map<String, String> credentials, String apiBaseUrl, PolicyChange policy) {
    }

    public record PolicyChange(String directMessages, List<String> allowlist, Boolean groupsRequireMention,
                               Integer userMessagesPerMinute, Long dailyModelRequests) {
    }

    /** {@code POST /admin/bots/{id}/webhook}. */
    public record WebhookRegistration(String publicBaseUrl) {
    }
}
