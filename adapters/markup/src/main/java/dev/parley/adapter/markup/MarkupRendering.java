package dev.parley.adapter.markup;

import dev.parley.adapter.markup.RenderedMarkup.Element;
import dev.parley.adapter.markup.RenderedMarkup.Event;
import dev.parley.adapter.markup.RenderedMarkup.Kind;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.commonmark.ext.gfm.strikethrough.Strikethrough;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.CustomNode;
import org.commonmark.node.Emphasis;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.HardLineBreak;
import org.commonmark.node.Heading;
import org.commonmark.node.HtmlBlock;
import org.commonmark.node.HtmlInline;
import org.commonmark.node.Image;
import org.commonmark.node.IndentedCodeBlock;
import org.commonmark.node.Link;
import org.commonmark.node.LinkReferenceDefinition;
import org.commonmark.node.ListBlock;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.Paragraph;
import org.commonmark.node.SoftLineBreak;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;
import org.commonmark.node.ThematicBreak;

/** Walks a CommonMark tree once and writes it in a dialect, as a {@link RenderedMarkup} for the splitter. */
final class MarkupRendering extends AbstractVisitor {

    // Model output is untrusted: javascript:, data:, app schemes and relative links must not be shown as URLs.
    private static final Set<String> LINK_SCHEMES = Set.of("http", "https", "mailto");

    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, Integer> linePrefixes = new HashMap<>();
    private final BitSet layout = new BitSet();
    private final BitSet listMarkers = new BitSet();
    private final BitSet insideEscapes = new BitSet();
    private final List<Event> events = new ArrayList<>();
    private final Set<Kind> styled = EnumSet.noneOf(Kind.class);

    private final MarkupDialect dialect;
    private final Map<Character, String> escapes;
    private final Element bold;
    private final Element italic;
    private final Element strike;
    private final Element code;
    private final int maxLinkMarkup;

    // Separators are written lazily, just before the next content, so that a closing marker lands before the blank
    // line and an empty block leaves no stray blank line behind.
    private int pendingNewlines;
    private String indent = "";
    private int quoteDepth;

    MarkupRendering(MarkupDialect dialect) {
        this.dialect = dialect;
        this.escapes = Map.copyOf(dialect.escapes());
        this.bold = new Element(Kind.BOLD, dialect.bold(), dialect.bold());
        this.italic = new Element(Kind.ITALIC, dialect.italic(), dialect.italic());
        this.strike = new Element(Kind.STRIKE, dialect.strike(), dialect.strike());
        this.code = new Element(Kind.CODE, dialect.code(), dialect.code());
        // A link reopened at the start of every message it spans must leave room for text.
        this.maxLinkMarkup = dialect.maxLength() / 4;
    }

    RenderedMarkup result() {
        return new RenderedMarkup(text.toString(), withoutEmptyElements(), Map.copyOf(linePrefixes), layout,
                listMarkers, insideEscapes);
    }

    /** The events without empty elements, which would only show their markers. */
    private List<Event> withoutEmptyElements() {
        List<Event> kept = new ArrayList<>(events.size());
        for (Event event : events) {
            Event last = kept.isEmpty() ? null : kept.getLast();
            if (!event.open() && last != null && last.open() && last.element().equals(event.element())
                    && last.position() == event.position()) {
                kept.removeLast();
            } else {
                kept.add(event);
            }
        }
        return kept;
    }

    /** A code block; its lines carry the quote marker of the quote it stands in, if any. */
    private Element pre(String linePrefix) {
        String fence = dialect.fence();
        return new Element(Kind.PRE, fence + "\n" + linePrefix, "\n" + linePrefix + fence);
    }

    private void flushSeparator() {
        if (pendingNewlines > 0 && !text.isEmpty()) {
            text.append("\n".repeat(pendingNewlines));
            startLine(indent);
        }
        pendingNewlines = 0;
    }

    private void startLine(String prefix) {
        if (!prefix.isEmpty()) {
            linePrefixes.put(text.length(), prefix.length());
            appendLayout(prefix);
        }
    }

    private void appendLayout(String markup) {
        layout.set(text.length(), text.length() + markup.length());
        text.append(markup);
    }

    /** Text as the user should read it: only what the dialect reads as markup is escaped. */
    private void write(String literal) {
        if (literal.isEmpty()) {
            return;
        }
        flushSeparator();
        appendEscaped(literal);
    }

    private void appendEscaped(String literal) {
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            String escape = escapes.get(c);
            if (escape == null) {
                text.append(c);
            } else {
                int start = text.length();
                text.append(escape);
                insideEscapes.set(start + 1, text.length());
            }
        }
    }

    private void newline() {
        flushSeparator();
        text.append('\n');
        startLine(indent);
    }

    private void open(Element element) {
        flushSeparator();
        events.add(new Event(text.length(), element, true));
        styled.add(element.kind());
    }

    private void close(Element element) {
        events.add(new Event(text.length(), element, false));
        styled.remove(element.kind());
    }

    /** Blocks in a tight list item follow each other line by line; everywhere else a blank line parts them. */
    private void endBlock(Node block) {
        Node container = block instanceof ListItem ? block : block.getParent();
        int newlines = container instanceof ListItem item
                && item.getParent() instanceof ListBlock list && list.isTight() ? 1 : 2;
        pendingNewlines = Math.max(pendingNewlines, newlines);
    }

    /**
     * Styles the node's children, unless the markup cannot: these markups have no style inside itself, and a link's
     * markup takes its text as it is.
     */
    private void wrap(Element element, Node node) {
        if (styled.contains(element.kind()) || styled.contains(Kind.LINK)) {
            visitChildren(node);
            return;
        }
        open(element);
        visitChildren(node);
        close(element);
    }

    @Override
    public void visit(Paragraph paragraph) {
        visitChildren(paragraph);
        endBlock(paragraph);
    }

    @Override
    public void visit(Heading heading) {
        wrap(bold, heading);
        endBlock(heading);
    }

    @Override
    public void visit(BlockQuote blockQuote) {
        // These markups cannot nest quotes: an inner quote simply continues the outer one.
        String outer = indent;
        if (quoteDepth++ == 0) {
            String quote = dialect.quote();
            indent = outer + quote;
            if (pendingNewlines == 0 || text.isEmpty()) {
                // No separator is coming to start the line with the marker (first block, or right after a list
                // marker): it is written here.
                flushSeparator();
                if (text.isEmpty() || text.charAt(text.length() - 1) == '\n') {
                    startLine(quote);
                } else {
                    appendLayout(quote);
                }
            }
        }
        visitChildren(blockQuote);
        quoteDepth--;
        indent = outer;
        endBlock(blockQuote);
    }

    @Override
    public void visit(BulletList list) {
        visitChildren(list);
        endBlock(list);
    }

    @Override
    public void visit(OrderedList list) {
        visitChildren(list);
        endBlock(list);
    }

    @Override
    public void visit(ListItem item) {
        String marker = dialect.bullet();
        if (item.getParent() instanceof OrderedList list) {
            int number = list.getMarkerStartNumber() == null ? 1 : list.getMarkerStartNumber();
            for (Node sibling = item.getPrevious(); sibling != null; sibling = sibling.getPrevious()) {
                number++;
            }
            marker = number + ". ";
        }
        flushSeparator();
        listMarkers.set(text.length(), text.length() + marker.length());
        text.append(marker);
        // Continuation lines and nested lists line up under the item's text.
        String outer = indent;
        indent = outer + " ".repeat(marker.length());
        visitChildren(item);
        indent = outer;
        endBlock(item);
    }

    @Override
    public void visit(ThematicBreak thematicBreak) {
        flushSeparator();
        text.append(dialect.rule());
        endBlock(thematicBreak);
    }

    @Override
    public void visit(FencedCodeBlock codeBlock) {
        codeBlock(codeBlock, codeBlock.getLiteral());
    }

    @Override
    public void visit(IndentedCodeBlock codeBlock) {
        codeBlock(codeBlock, codeBlock.getLiteral());
    }

    /**
     * A fenced block; these markups show no language, so the info string is dropped. The literal's own indentation is
     * code, so its lines are not indented under a list item; inside a quote they carry the quote marker.
     */
    private void codeBlock(Node block, String literal) {
        String linePrefix = quoteDepth > 0 ? indent : "";
        Element pre = pre(linePrefix);
        open(pre);
        String[] lines = stripTrailingNewlines(literal).split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                text.append('\n');
                startLine(linePrefix);
            }
            appendEscaped(lines[i]);
        }
        close(pre);
        endBlock(block);
    }

    @Override
    public void visit(HtmlBlock htmlBlock) {
        writeLines(stripTrailingNewlines(htmlBlock.getLiteral()));
        endBlock(htmlBlock);
    }

    @Override
    public void visit(HtmlInline htmlInline) {
        write(htmlInline.getLiteral());
    }

    @Override
    public void visit(LinkReferenceDefinition definition) {
        // Already resolved into the links that use it; nothing to show.
    }

    @Override
    public void visit(Text literal) {
        write(literal.getLiteral());
    }

    @Override
    public void visit(Code inlineCode) {
        String literal = inlineCode.getLiteral();
        // Inline code cannot hold its own marker, nor stand in a link's markup.
        if (styled.contains(Kind.LINK) || literal.contains(code.open())) {
            write(literal);
        } else {
            open(code);
            write(literal);
            close(code);
        }
    }

    @Override
    public void visit(Emphasis emphasis) {
        wrap(italic, emphasis);
    }

    @Override
    public void visit(StrongEmphasis strongEmphasis) {
        wrap(bold, strongEmphasis);
    }

    @Override
    public void visit(CustomNode node) {
        if (node instanceof Strikethrough) {
            wrap(strike, node);
        } else {
            visitChildren(node);
        }
    }

    @Override
    public void visit(SoftLineBreak softLineBreak) {
        newline();
    }

    @Override
    public void visit(HardLineBreak hardLineBreak) {
        newline();
    }

    @Override
    public void visit(Link link) {
        String href = safeHref(link.getDestination());
        if (href == null || styled.contains(Kind.LINK)) {
            visitChildren(link);
            return;
        }
        link(href, plainText(link).strip(), () -> visitChildren(link));
    }

    @Override
    public void visit(Image image) {
        String alt = plainText(image).strip();
        String href = safeHref(image.getDestination());
        if (href == null || styled.contains(Kind.LINK)) {
            write(alt);
            return;
        }
        link(href, alt, () -> write(alt));
    }

    /**
     * The dialect's link markup around the text; or, when the dialect has none or its markup is so long that reopening
     * it in every message the link spans would crowd out the text, the text followed by the URL in brackets. A text
     * that is the URL itself (an autolink) is not followed by it again, and a link without text shows the URL.
     */
    private void link(String href, String label, Runnable writeLabel) {
        Optional<Element> anchor = dialect.link(href)
                .map(delimiters -> new Element(Kind.LINK, delimiters.open(), delimiters.close()))
                .filter(element -> element.open().length() + element.close().length() <= maxLinkMarkup);
        if (anchor.isPresent()) {
            open(anchor.get());
            int before = text.length();
            writeLabel.run();
            if (text.length() == before) {
                write(href);
            }
            close(anchor.get());
            return;
        }
        int before = text.length();
        writeLabel.run();
        if (text.length() == before) {
            write(href);
        } else if (!href.equals(label) && !href.equals("mailto:" + label)) {
            write(" (" + href + ")");
        }
    }

    private void writeLines(String literal) {
        String[] lines = literal.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (i > 0) {
                newline();
            }
            write(lines[i]);
        }
    }

    private static String plainText(Node node) {
        StringBuilder plain = new StringBuilder();
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            switch (child) {
                case Text t -> plain.append(t.getLiteral());
                case Code c -> plain.append(c.getLiteral());
                case HtmlInline h -> plain.append(h.getLiteral());
                case SoftLineBreak s -> plain.append(' ');
                case HardLineBreak h -> plain.append(' ');
                default -> plain.append(plainText(child));
            }
        }
        return plain.toString();
    }

    private static String safeHref(String destination) {
        if (destination == null) {
            return null;
        }
        String href = destination.strip();
        int colon = href.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String scheme = href.substring(0, colon).toLowerCase(Locale.ROOT);
        return LINK_SCHEMES.contains(scheme) ? href : null;
    }

    private static String stripTrailingNewlines(String text) {
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        return text.substring(0, end);
    }
}
