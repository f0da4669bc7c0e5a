package dev.parley.adapter.webchat;

import java.util.List;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Renders Parley's CommonMark to HTML that is safe to put into the chat page: raw HTML in the model's text is
 * escaped, not passed through, and only http(s)/mailto links survive, because model output is untrusted.
 */
public final class WebChatFormat {

    private static final List<Extension> EXTENSIONS = List.of(StrikethroughExtension.create());

    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final HtmlRenderer renderer = HtmlRenderer.builder()
            .extensions(EXTENSIONS)
            .escapeHtml(true)
            .sanitizeUrls(true)
            .softbreak("<br>\n")
            .build();

    public String toHtml(String markdown) {
        return renderer.render(parser.parse(markdown == null ? "" : markdown));
    }
}
