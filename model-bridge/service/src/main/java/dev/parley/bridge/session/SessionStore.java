package dev.parley.bridge.session;

import dev.parley.bridge.config.BridgeConfig;
import io.quarkus.infinispan.client.Remote;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.infinispan.client.hotrod.Flag;
import org.infinispan.client.hotrod.MetadataValue;
import org.infinispan.client.hotrod.RemoteCache;

/**
 * Conversation history in the Infinispan cache {@code parley-sessions}. Appends are versioned compare-and-swap
 * writes retried on conflict, so two bridge nodes answering the same conversation at once never lose a turn.
 */
@ApplicationScoped
public class SessionStore {

    public static final String CACHE = "parley-sessions";

    private final RemoteCache<String, ConversationSession> cache;
    private final HistoryPolicy policy;
    private final BridgeConfig.Session config;

    public SessionStore(@Remote(CACHE) RemoteCache<String, ConversationSession> cache, BridgeConfig config) {
        this.cache = cache;
        this.config = config.session();
        this.policy = new HistoryPolicy(this.config.maxTurns(), this.config.tokenBudget());
    }

    public ConversationSession load(String conversationId) {
        ConversationSession session = cache.get(conversationId);
        return session == null ? ConversationSession.empty(conversationId) : session;
    }

    /**
     * Adds one exchange to the conversation. When the conversation already holds an answer to the same request
     * (a redelivered request), nothing is written and the stored session is returned.
     */
    public ConversationSession append(String conversationId, Turn question, Turn answer) {
        long maxIdleSeconds = config.idleExpiry().toSeconds();
        for (int attempt = 0; attempt < config.maxWriteAttempts(); attempt++) {
            MetadataValue<ConversationSession> current = cache.getWithMetadata(conversationId);
            if (current == null) {
                ConversationSession fresh = new ConversationSession(conversationId, policy.bound(List.of(question, answer)));
                ConversationSession raced = cache.withFlags(Flag.FORCE_RETURN_VALUE)
                        .putIfAbsent(conversationId, fresh, -1, TimeUnit.SECONDS, maxIdleSeconds, TimeUnit.SECONDS);
                if (raced == null) {
                    return fresh;
                }
                continue;
            }
            ConversationSession stored = current.getValue();
            if (stored.answerTo(answer.requestId()).isPresent()) {
                return stored;
            }
            List<Turn> turns = new ArrayList<>(stored.turns());
            turns.add(question);
            turns.add(answer);
            ConversationSession next = new ConversationSession(conversationId, policy.bound(turns));
            if (cache.replaceWithVersion(conversationId, next, current.getVersion(), -1, TimeUnit.SECONDS,
                    maxIdleSeconds, TimeUnit.SECONDS)) {
                return next;
            }
        }
        throw new IllegalStateException("conversation " + conversationId + " kept changing under "
                + config.maxWriteAttempts() + " write attempts");
    }

    /** Forgets a conversation (the user asked for a fresh start, or tests clean up). */
    public void remove(String conversationId) {
        cache.remove(conversationId);
    }
}
