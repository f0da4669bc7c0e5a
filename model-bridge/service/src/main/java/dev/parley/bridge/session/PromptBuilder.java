package dev.parley.bridge.session;

import dev.parley.bridge.pool.ChatMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the {@code messages} of a chat completion: the system prompt, the conversation's history (already within
 * its bounds), then the new question.
 */
public final class PromptBuilder {

    private final String systemPrompt;

    public PromptBuilder(String systemPrompt) {
        this.systemPrompt = systemPrompt;
    }

    public List<ChatMessage> build(List<Turn> history, String question) {
        List<ChatMessage> messages = new ArrayList<>(history.size() + 2);
        if (!systemPrompt.isBlank()) {
            messages.add(new ChatMessage(ChatMessage.SYSTEM, systemPrompt));
        }
        for (Turn turn : history) {
            messages.add(new ChatMessage(turn.role(), turn.text()));
        }
        messages.add(new ChatMessage(Turn.USER, question));
        return messages;
    }
}
