package dev.parley.simulator.reply;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Stands in for a real tokenizer: every whitespace-separated word is one token. */
public final class WordTokenizer {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private WordTokenizer() {
    }

    public static List<String> words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? List.of() : List.of(WHITESPACE.split(trimmed));
    }

    public static int count(String text) {
        return words(text).size();
    }

    /** Tokens as a model streams them: each word after the first carries its leading space, so they concatenate back to the text. */
    public static List<String> tokens(List<String> words) {
        List<String> tokens = new ArrayList<>(words.size());
        for (String word : words) {
            tokens.add(tokens.isEmpty() ? word : " " + word);
        }
        return List.copyOf(tokens);
    }
}
