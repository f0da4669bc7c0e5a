package dev.parley.bridge.session;

import java.util.List;
import java.util.Optional;
import org.infinispan.protostream.annotations.Proto;

/** A conversation's history as stored in the {@code parley-sessions} cache, oldest turn first. */
@Proto
public record ConversationSession(String conversationId, List<Turn> turns) {

    public ConversationSession {
        turns = turns == null ? List.of() : List.copyOf(turns);
    }

    public static ConversationSession empty(String conversationId) {
        return new ConversationSession(conversationId, List.of());
    }

    /** The answer already given to a request, if this conversation has one. */
    public Optional<Turn> answerTo(String requestId) {
        return turns.stream()
                .filter(t -> Turn.ASSISTANT.equals(t.role()) && requestId.equals(t.requestId()))
                .findFirst();
    }
}
