package dev.parley.adapter.slack;

import dev.parley.adapter.markup.LightMarkup;
import dev.parley.adapter.markup.MarkupDialect;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders Parley's CommonMark as Slack mrkdwn, cut into messages that each stay within Slack's advised length and
 * each read correctly on their own.
 *
 * <p>mrkdwn has {@code *bold*}, {@code _italic_}, {@code ~strike~}, {@code `code`}, {@code ```} blocks, {@code >}
 * quotes and {@code <url|text>} links, and nothing else: headings become bold lines, list items lines starting
 * with "• " or "1. ", a rule "———", images a link named by their alt text. Only {@code &}, {@code <} and {@code >}
 * are escaped, as Slack asks. mrkdwn cannot nest a style in itself, nor style a link's text, so those inner
 * markers are left out. The rendering and splitting are {@link LightMarkup}'s, shared with WhatsApp; this class names
 * what is Slack's own.
 */
public final class SlackFormat {

    /** Slack's advised length of a message's text; longer texts are cut off at 40,000 characters. */
    public static final int MAX_MESSAGE_LENGTH = 4000;

    /** Room enough for every marker that may have to be reopened at the start of a message, and some text. */
    static final int MIN_MESSAGE_LENGTH = LightMarkup.MIN_MESSAGE_LENGTH;

    private final LightMarkup markup;

    public SlackFormat() {
        this(MAX_MESSAGE_LENGTH);
    }

    /** A smaller limit lets tests exercise splitting with small inputs. */
    SlackFormat(int maxLength) {
        this.markup = new LightMarkup(new Mrkdwn(maxLength));
    }

    /**
     * Renders {@code markdown} and splits it into messages of at most {@link #MAX_MESSAGE_LENGTH} UTF-16 code units of
     * mrkdwn each, markers and escapes included; an empty list when nothing visible is left (Slack refuses empty text).
     */
    public List<String> render(String markdown) {
        return markup.render(markdown);
    }

    /**
     * The same rendering as one text, however long, for tests that compare the messages with it: links are written
     * as they are for this format's limit.
     */
    String unsplit(String markdown) {
        return markup.unsplit(markdown);
    }

    /** mrkdwn where it differs from the markup WhatsApp shares with it. */
    private record Mrkdwn(int maxLength) implements MarkupDialect {

        /** The three characters Slack reads as markup; everything else is shown as written. */
        private static final Map<Character, String> ESCAPES = Map.of('&', "&amp;", '<', "&lt;", '>', "&gt;");

        @Override
        public String bullet() {
            return "• ";
        }

        @Override
        public String rule() {
            return "———";
        }

        @Override
        public Map<Character, String> escapes() {
            return ESCAPES;
        }

        /** {@code <url|text>}, the URL escaped and without the bar or spaces that would end it early. */
        @Override
        public Optional<Delimiters> link(String href) {
            String url = href.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    .replace("|", "%7C").replace(" ", "%20");
            return Optional.of(new Delimiters("<" + url + "|", ">"));
        }
    }
}
