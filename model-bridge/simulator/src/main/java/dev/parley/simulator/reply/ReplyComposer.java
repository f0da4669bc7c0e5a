package dev.parley.simulator.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Writes the simulator's reply: a sentence that admits it is a simulator and proves which conversation it
 * received, padded with filler words to the configured length.
 */
public final class ReplyComposer {

    // A long message quoted whole would make the reply length depend on the user, not on the configuration.
    static final int QUOTED_WORDS = 40;
    private static final List<String> FILLER = WordTokenizer.words(
            "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua");

    private final int replyTokens;

    public ReplyComposer(int replyTokens) {
        this.replyTokens = replyTokens;
    }

    /**
     * The reply to {@code messages}. It has {@code reply-tokens} tokens, or more when the sentence itself is
     * longer, and never more than {@code maxTokens}; stopping early for {@code maxTokens} finishes with
     * {@link FinishReason#LENGTH}.
     */
    public Reply compose(List<ChatMessage> messages, OptionalInt maxTokens) {
        List<String> words = new ArrayList<>(WordTokenizer.words(sentence(messages)));
        int wanted = Math.max(replyTokens, words.size());
        for (int i = 0; words.size() < wanted; i++) {
            words.add(FILLER.get(i % FILLER.size()));
        }
        if (maxTokens.isPresent() && maxTokens.getAsInt() < wanted) {
            return new Reply(WordTokenizer.tokens(words.subList(0, maxTokens.getAsInt())), FinishReason.LENGTH);
        }
        return new Reply(WordTokenizer.tokens(words), FinishReason.STOP);
    }

    /** Prompt size in tokens: the words of every message. */
    public static int promptTokens(List<ChatMessage> messages) {
        int tokens = 0;
        for (ChatMessage message : messages) {
            tokens += WordTokenizer.count(message.text());
        }
        return tokens;
    }

    static String sentence(List<ChatMessage> messages) {
        int turn = 0;
        int lastUserMessage = -1;
        for (int i = 0; i < messages.size(); i++) {
            if (messages.get(i).fromUser()) {
                turn++;
                lastUserMessage = i;
            }
        }
        String said = lastUserMessage < 0 ? "" : quote(messages.get(lastUserMessage).text());
        int earlier = lastUserMessage < 0 ? messages.size() : lastUserMessage;
        return "Simulated reply from the Parley model simulator (not a real model), turn %d. You said: \"%s\". I received %d earlier %s."
                .formatted(turn, said, earlier, earlier == 1 ? "message" : "messages");
    }

    private static String quote(String text) {
        List<String> words = WordTokenizer.words(text);
        return words.size() <= QUOTED_WORDS
                ? String.join(" ", words)
                : String.join(" ", words.subList(0, QUOTED_WORDS)) + " …";
    }
}
