package dev.parley.adapter.markup;

import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.parser.Parser;

/**
 * Renders Parley's CommonMark as a chat platform's light markup, cut into messages that each stay within the
 * platform's length limit and each read correctly on their own.
 *
 * <p>Slack's mrkdwn and WhatsApp's formatting both have {@code *bold*}, {@code _italic_}, {@code ~strike~},
 * {@code `code`}, {@code ```} blocks and {@code >} quotes, and nothing more; they differ in their list bullet, escapes,
 * link syntax and length limit, which a {@link MarkupDialect} names. The hard part, cutting a long answer without
 * breaking a code block, a style, a link or an escape, is the same for both and lives here once.
 *
 * <p>What the markup lacks is approximated: headings become bold lines, list items lines starting with the dialect's
 * bullet or "1. ", a rule the dialect's line, images a link named by their alt text. A style is not nested in itself,
 * nor put inside a link's markup, since neither markup can; those inner markers are left out. Only http, https and
 * mailto links are shown as URLs: the rest are their text.
 */
public final class LightMarkup {

    /** Room enough for every marker that may have to be reopened at the start of a message, and some text. */
    public static final int MIN_MESSAGE_LENGTH = 64;

    private static final List<Extension> EXTENSIONS = List.of(StrikethroughExtension.create());

    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final MarkupDialect dialect;

    public LightMarkup(MarkupDialect dialect) {
        if (dialect.maxLength() < MIN_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxLength must be at least " + MIN_MESSAGE_LENGTH + ", was "
                    + dialect.maxLength());
        }
        this.dialect = dialect;
    }

    /**
     * Renders {@code markdown} and splits it into messages of at most the dialect's {@link MarkupDialect#maxLength()}
     * UTF-16 code units each, markers and escapes included; an empty list when nothing visible is left (platforms
     * refuse empty text).
     */
    public List<String> render(String markdown) {
        return MessageSplitter.split(rendered(markdown), dialect.maxLength());
    }

    /**
     * The same rendering as one text, however long: what the messages show together, for tests that compare them with
     * it. Links are written as they are for the dialect's limit.
     */
    public String unsplit(String markdown) {
        return String.join("", MessageSplitter.split(rendered(markdown), Integer.MAX_VALUE));
    }

    private RenderedMarkup rendered(String markdown) {
        MarkupRendering rendering = new MarkupRendering(dialect);
        parser.parse(markdown == null ? "" : markdown).accept(rendering);
        return rendering.result();
    }
}
