package dev.parley.adapter.markup;

import java.util.Map;
import java.util.Optional;

/**
 * What one platform's light markup writes differently: {@link LightMarkup} renders and splits the same way for every
 * platform, and asks its dialect only for the strings to write.
 *
 * <p>The style markers default to the ones Slack's mrkdwn and WhatsApp share; a dialect names its list bullet, its
 * rule, the characters it must escape, its link syntax if it has one, and its length limit.
 */
public interface MarkupDialect {

    /** The longest message, markers and escapes included, in UTF-16 code units. */
    int maxLength();

    /** What starts the line of a bullet list item, space included. */
    String bullet();

    /** The line a thematic break becomes. */
    String rule();

    default String bold() {
        return "*";
    }

    default String italic() {
        return "_";
    }

    default String strike() {
        return "~";
    }

    default String code() {
        return "`";
    }

    /** The line that opens and closes a code block. */
    default String fence() {
        return "```";
    }

    /** What starts every line of a quote, space included. */
    default String quote() {
        return "> ";
    }

    /**
     * Characters the platform reads as markup wherever they stand, and what to write instead. Text, code and URLs
     * written as text are escaped alike; an escape is never cut in half.
     */
    default Map<Character, String> escapes() {
        return Map.of();
    }

    /**
     * The markup around a link's text, escaped as the platform needs; empty when the platform has no link syntax, and
     * the link is then written as its text followed by the URL in brackets. {@code href} is always an http, https or
     * mailto URL.
     */
    default Optional<Delimiters> link(String href) {
        return Optional.empty();
    }

    /** Markup written before and after a stretch of text. */
    record Delimiters(String open, String close) {
    }
}
