package dev.parley.adapter.telegram;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.commonmark.Extension;
import org.commonmark.ext.gfm.strikethrough.Strikethrough;
import org.commonmark.ext.gfm.strikethrough.StrikethroughExtension;
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
import org.commonmark.parser.Parser;

/**
 * Renders Parley's CommonMark as Telegram Bot API HTML (parse_mode HTML), cut into messages that each fit
 * Telegram's limit and each parse on their own.
 */
public final class TelegramFormat {

    /** Telegram's limit for a message's text after entity parsing, in UTF-16 code units. */
    public static final int MAX_MESSAGE_LENGTH = 4096;

    private static final List<Extension> EXTENSIONS = List.of(StrikethroughExtension.create());

    // Model output is untrusted: javascript:, data: and relative links must not become clickable.
    private static final Set<String> LINK_SCHEMES = Set.of("http", "https", "tg", "mailto");

    private static final String BULLET = "• ";
    private static final String RULE = "———";

    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final int maxLength;

    public TelegramFormat() {
        this(MAX_MESSAGE_LENGTH);
    }

    /** A smaller limit lets tests exercise splitting with small inputs; captions (1024) could use it too. */
    TelegramFormat(int maxLength) {
        if (maxLength < 2) {
            // A surrogate pair must fit into one chunk, or a hard cut could not make progress.
            throw new IllegalArgumentException("maxLength must be at least 2, was " + maxLength);
        }
        this.maxLength = maxLength;
    }

    /**
     * Renders {@code markdown} and splits it into messages of at most {@link #MAX_MESSAGE_LENGTH} visible UTF-16
     * code units each; an empty list when nothing visible is left (Telegram rejects empty messages).
     */
    public List<String> render(String markdown) {
        Rendering rendering = new Rendering();
        parser.parse(markdown == null ? "" : markdown).accept(rendering);
        return split(rendering.visible.toString(), rendering.events());
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rendering: the visible text and, beside it, where tags open and close. Keeping tags out of the text is what
    // lets the splitter count exactly what Telegram counts and cut anywhere without breaking a tag or an entity.

    private record Element(String name, String attributes) {

        static final Element BOLD = new Element("b", "");
        static final Element ITALIC = new Element("i", "");
        static final Element STRIKE = new Element("s", "");
        static final Element CODE = new Element("code", "");
        static final Element PRE = new Element("pre", "");
        static final Element QUOTE = new Element("blockquote", "");

        String openTag() {
            return "<" + name + attributes + ">";
        }

        String closeTag() {
            return "</" + name + ">";
        }
    }

    private record Event(int position, Element element, boolean open) {
    }

    private static final class Rendering extends AbstractVisitor {

        final StringBuilder visible = new StringBuilder();
        private final List<Event> events = new ArrayList<>();
        // Separators are written lazily, just before the next content, so that a closing tag lands before the
        // blank line and an empty block leaves no stray blank line behind.
        private int pendingNewlines;
        private String indent = "";
        private int quoteDepth;
        private int linkDepth;

        /** The events without empty elements, which Telegram would turn into zero-length entities. */
        List<Event> events() {
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

        private void flushSeparator() {
            if (pendingNewlines > 0 && !visible.isEmpty()) {
                visible.append("\n".repeat(pendingNewlines)).append(indent);
            }
            pendingNewlines = 0;
        }

        private void write(String text) {
            if (text.isEmpty()) {
                return;
            }
            flushSeparator();
            visible.append(text);
        }

        private void open(Element element) {
            flushSeparator();
            events.add(new Event(visible.length(), element, true));
        }

        private void close(Element element) {
            events.add(new Event(visible.length(), element, false));
        }

        private void newline() {
            flushSeparator();
            visible.append('\n').append(indent);
        }

        /** Blocks in a tight list item follow each other line by line; everywhere else a blank line parts them. */
        private void endBlock(Node block) {
            Node container = block instanceof ListItem ? block : block.getParent();
            int newlines = container instanceof ListItem item
                    && item.getParent() instanceof ListBlock list && list.isTight() ? 1 : 2;
            pendingNewlines = Math.max(pendingNewlines, newlines);
        }

        private void wrap(Element element, Node node) {
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
            wrap(Element.BOLD, heading);
            endBlock(heading);
        }

        @Override
        public void visit(BlockQuote blockQuote) {
            // Telegram cannot nest blockquotes: an inner quote simply continues the outer one.
            if (quoteDepth++ == 0) {
                wrap(Element.QUOTE, blockQuote);
            } else {
                visitChildren(blockQuote);
            }
            quoteDepth--;
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
            String marker = BULLET;
            if (item.getParent() instanceof OrderedList list) {
                int number = list.getMarkerStartNumber() == null ? 1 : list.getMarkerStartNumber();
                for (Node sibling = item.getPrevious(); sibling != null; sibling = sibling.getPrevious()) {
                    number++;
                }
                marker = number + ". ";
            }
            write(marker);
            // Continuation lines and nested lists line up under the item's text.
            String outer = indent;
            indent = outer + " ".repeat(marker.length());
            visitChildren(item);
            indent = outer;
            endBlock(item);
        }

        @Override
        public void visit(ThematicBreak thematicBreak) {
            write(RULE);
            endBlock(thematicBreak);
        }

        @Override
        public void visit(FencedCodeBlock codeBlock) {
            codeBlock(codeBlock, codeBlock.getLiteral(), language(codeBlock.getInfo()));
        }

        @Override
        public void visit(IndentedCodeBlock codeBlock) {
            codeBlock(codeBlock, codeBlock.getLiteral(), null);
        }

        private void codeBlock(Node block, String literal, String language) {
            Element code = language == null ? null : new Element("code", " class=\"language-" + language + "\"");
            open(Element.PRE);
            if (code != null) {
                open(code);
            }
            // The literal's own indentation is code, so it is not re-indented inside a list item.
            write(stripTrailingNewlines(literal));
            if (code != null) {
                close(code);
            }
            close(Element.PRE);
            endBlock(block);
        }

        @Override
        public void visit(HtmlBlock htmlBlock) {
            write(stripTrailingNewlines(htmlBlock.getLiteral()));
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
        public void visit(Text text) {
            write(text.getLiteral());
        }

        @Override
        public void visit(Code code) {
            // Telegram does not allow code inside a link: there it stays plain link text.
            if (linkDepth > 0) {
                write(code.getLiteral());
            } else {
                open(Element.CODE);
                write(code.getLiteral());
                close(Element.CODE);
            }
        }

        @Override
        public void visit(Emphasis emphasis) {
            wrap(Element.ITALIC, emphasis);
        }

        @Override
        public void visit(StrongEmphasis strongEmphasis) {
            wrap(Element.BOLD, strongEmphasis);
        }

        @Override
        public void visit(CustomNode node) {
            if (node instanceof Strikethrough) {
                wrap(Element.STRIKE, node);
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
            if (href == null || linkDepth > 0) {
                visitChildren(link);
                return;
            }
            Element anchor = new Element("a", " href=\"" + escape(href, true) + "\"");
            open(anchor);
            int before = visible.length();
            linkDepth++;
            visitChildren(link);
            linkDepth--;
            if (visible.length() == before) {
                write(href);
            }
            close(anchor);
        }

        @Override
        public void visit(Image image) {
            String alt = plainText(image).strip();
            String href = safeHref(image.getDestination());
            if (href == null || linkDepth > 0) {
                write(alt);
                return;
            }
            Element anchor = new Element("a", " href=\"" + escape(href, true) + "\"");
            open(anchor);
            write(alt.isEmpty() ? href : alt);
            close(anchor);
        }

        private static String plainText(Node node) {
            StringBuilder text = new StringBuilder();
            for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
                switch (child) {
                    case Text t -> text.append(t.getLiteral());
                    case Code c -> text.append(c.getLiteral());
                    case HtmlInline h -> text.append(h.getLiteral());
                    case SoftLineBreak s -> text.append(' ');
                    case HardLineBreak h -> text.append(' ');
                    default -> text.append(plainText(child));
                }
            }
            return text.toString();
        }
    }

    /** The info string's first word, if it is a plausible language name; anything else would only be noise. */
    private static String language(String info) {
        if (info == null) {
            return null;
        }
        String word = info.strip().split("\\s+", 2)[0];
        if (word.isEmpty() || word.length() > 32) {
            return null;
        }
        for (int i = 0; i < word.length(); i++) {
            char c = word.charAt(i);
            boolean plain = c < 128 && (Character.isLetterOrDigit(c) || "+-#._".indexOf(c) >= 0);
            if (!plain) {
                return null;
            }
        }
        return word;
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

    private static String escape(String text, boolean attribute) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        appendEscaped(out, text, 0, text.length(), attribute);
        return out.toString();
    }

    private static void appendEscaped(StringBuilder out, CharSequence text, int from, int to, boolean attribute) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                default -> out.append(c);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Splitting: cut the visible text, then replay the tags of each piece, closing what is still open at its end
    // and reopening it (same tag, same attributes) at the start of the next, so that every message parses alone.

    private List<String> split(String visible, List<Event> events) {
        List<String> chunks = new ArrayList<>();
        List<Element> openElements = new ArrayList<>();
        int nextEvent = 0;
        int start = 0;
        int length = visible.length();
        while (start < length) {
            int cut;
            int resume;
            if (length - start <= maxLength) {
                cut = length;
                resume = length;
            } else {
                cut = cutPoint(visible, start);
                resume = skipSeparator(visible, cut);
            }
            boolean last = resume >= length;
            int end = cut;
            // Trailing whitespace is dropped: Telegram trims it anyway, and it would only cost room.
            while (end > start && isSpace(visible.charAt(end - 1))) {
                end--;
            }

            StringBuilder html = new StringBuilder();
            openElements.forEach(element -> html.append(element.openTag()));
            int position = start;
            while (nextEvent < events.size() && events.get(nextEvent).position() < end) {
                Event event = events.get(nextEvent++);
                if (event.position() > position) {
                    appendEscaped(html, visible, position, event.position(), false);
                    position = event.position();
                }
                apply(event, html, openElements);
            }
            appendEscaped(html, visible, position, end, false);
            // Elements that end at the cut end in this chunk; what opens after it belongs to the next one.
            while (nextEvent < events.size()) {
                Event event = events.get(nextEvent);
                if (!last && (event.open() || event.position() > resume)) {
                    break;
                }
                apply(event, html, openElements);
                nextEvent++;
            }
            for (int i = openElements.size() - 1; i >= 0; i--) {
                html.append(openElements.get(i).closeTag());
            }
            if (!visible.substring(start, end).isBlank()) {
                chunks.add(html.toString());
            }
            start = resume;
        }
        return List.copyOf(chunks);
    }

    private static void apply(Event event, StringBuilder html, List<Element> openElements) {
        if (event.open()) {
            html.append(event.element().openTag());
            openElements.add(event.element());
        } else {
            html.append(event.element().closeTag());
            openElements.removeLast();
        }
    }

    /**
     * Where to end the chunk that starts at {@code start}: the last paragraph break that fits, else the last line
     * break, else the last space, else a hard cut that never separates a surrogate pair. A break in the first half
     * of the window is taken only if nothing fits in the second half, so a short paragraph is not sent alone when
     * a long one follows it.
     */
    private int cutPoint(String visible, int start) {
        int limit = start + maxLength;
        int half = start + maxLength / 2;
        int fallback = -1;
        for (int level = 0; level < 3; level++) {
            int cut = lastBreak(visible, start, limit, level);
            if (cut >= half && cut > start) {
                return cut;
            }
            fallback = Math.max(fallback, cut);
        }
        if (fallback > start) {
            return fallback;
        }
        int cut = limit;
        if (Character.isLowSurrogate(visible.charAt(cut)) && Character.isHighSurrogate(visible.charAt(cut - 1))) {
            cut--;
        }
        return cut;
    }

    /** The last index in (start, limit] where a break of the level (0 paragraph, 1 line, 2 word) begins, or -1. */
    private static int lastBreak(String visible, int start, int limit, int level) {
        for (int i = limit; i > start; i--) {
            char c = visible.charAt(i);
            boolean found = switch (level) {
                case 0 -> c == '\n' && i + 1 < visible.length() && visible.charAt(i + 1) == '\n';
                case 1 -> c == '\n';
                default -> c == ' ' || c == '\t';
            };
            if (found) {
                return i;
            }
        }
        return -1;
    }

    /** The separator at a cut is not sent: newlines at a line or paragraph break, spaces at a word break. */
    private static int skipSeparator(String visible, int cut) {
        int i = cut;
        char first = visible.charAt(cut);
        if (first == '\n') {
            while (i < visible.length() && visible.charAt(i) == '\n') {
                i++;
            }
        } else if (first == ' ' || first == '\t') {
            while (i < visible.length() && (visible.charAt(i) == ' ' || visible.charAt(i) == '\t')) {
                i++;
            }
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
