package dev.parley.adapter.whatsapp;

import dev.parley.adapter.markup.LightMarkup;
import dev.parley.adapter.markup.MarkupDialect;
import java.util.List;

/**
 * Renders Parley's CommonMark as WhatsApp's text formatting, cut into messages that each fit a Cloud API text message
 * and each read correctly on their own.
 *
 * <p>WhatsApp formats {@code *bold*}, {@code _italic_}, {@code ~strike~}, {@code `inline code`}, {@code ```} monospace
 * blocks, {@code > } quotes, {@code - } or {@code * } bullet lists and {@code 1. } numbered lists (WhatsApp FAQ "How
 * to format your messages", https://faq.whatsapp.com/539178204879377), and nothing else: headings become bold lines,
 * list items lines starting with "- " or "1. ", a rule "———". It has no link syntax but makes URLs in the text
 * clickable itself, so a link is written as its text followed by the URL in brackets, or as the URL alone when that is
 * its text; only http, https and mailto URLs are shown. It has no escapes either: {@code <}, {@code >} and {@code &}
 * are shown as written, so nothing is escaped. A text message's body holds at most 4,096 characters (Cloud API,
 * text messages); this class counts UTF-16 code units, never fewer than characters. The rendering and splitting are
 * {@link LightMarkup}'s, shared with Slack; this class names what is WhatsApp's own.
 */
public final class WhatsAppFormat {

    /** The Cloud API's limit on a text message's body. */
    public static final int MAX_MESSAGE_LENGTH = 4096;

    /** Room enough for every marker that may have to be reopened at the start of a message, and some text. */
    static final int MIN_MESSAGE_LENGTH = LightMarkup.MIN_MESSAGE_LENGTH;

    private final LightMarkup markup;

    public WhatsAppFormat() {
        this(MAX_MESSAGE_LENGTH);
    }

    /** A smaller limit lets tests exercise splitting with small inputs. */
    WhatsAppFormat(int maxLength) {
        this.markup = new LightMarkup(new WhatsAppMarkup(maxLength));
    }

    /**
     * Renders {@code markdown} and splits it into messages of at most {@link #MAX_MESSAGE_LENGTH} UTF-16 code units
     * each, markers included; an empty list when nothing visible is left (the Cloud API refuses an empty body).
     */
    public List<String> render(String markdown) {
        return markup.render(markdown);
    }

    /** The same rendering as one text, however long, for tests that compare the messages with it. */
    String unsplit(String markdown) {
        return markup.unsplit(markdown);
    }

    /** WhatsApp's formatting where it differs from the markup Slack shares with it: no escapes, no link syntax. */
    private record WhatsAppMarkup(int maxLength) implements MarkupDialect {

        @Override
        public String bullet() {
            return "- ";
        }

        @Override
        public String rule() {
            return "———";
        }
    }
}
