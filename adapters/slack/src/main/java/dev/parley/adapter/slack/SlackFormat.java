package dev.parley.adapter.slack;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
 * Renders Parley's CommonMark as Slack mrkdwn, cut into messages that each stay within Slack's advised length and
 * each read correctly on their own.
 *
 * <p>mrkdwn has {@code *bold*}, {@code _italic_}, {@code ~strike~}, {@code `code`}, {@code ```} blocks, {@code >}
 * quotes and {@code <url|text>} links, and nothing else: headings become bold lines, list items lines starting
 * with "• " or "1. ", a rule "———", images a link named by their alt text. Only {@code &}, {@code <} and {@code >}
 * are escaped, as Slack asks. mrkdwn cannot nest a style in itself, nor style a link's text, so those inner
 * markers are left out.
 */
public final class SlackFormat {

    /** Slack's advised length of a message's text; longer texts are cut off at 40,000 characters. */
    public static final int MAX_MESSAGE_LENGTH = 4000;

    /** Room enough for every marker that may have to be reopened at the start of a message, and some text. */
    static final int MIN_MESSAGE_LENGTH = 64;

    private static final List<Extension> EXTENSIONS = List.of(StrikethroughExtension.create());

    // Model output is untrusted: javascript:, data:, slack: and relative links must not become clickable.
    private static final Set<String> LINK_SCHEMES = Set.of("http", "https", "mailto");

    private static final String BULLET = "• ";
    private static final String RULE = "———";
    private static final String QUOTE = "> ";
    private static final String FENCE = "```";

    private final Parser parser = Parser.builder().extensions(EXTENSIONS).build();
    private final int maxLength;

    public SlackFormat() {
        this(MAX_MESSAGE_LENGTH);
    }

    /** A smaller limit lets tests exercise splitting with small inputs. */
    SlackFormat(int maxLength) {
        if (maxLength < MIN_MESSAGE_LENGTH) {
            throw new IllegalArgumentException("maxLength must be at least " + MIN_MESSAGE_LENGTH + ", was "
                    + maxLength);
        }
        this.maxLength = maxLength;
    }

    /**
     * Renders {@code markdown} and splits it into messages of at most {@link #MAX_MESSAGE_LENGTH} UTF-16 code units of
     * mrkdwn each, markers and escapes included; an empty list when nothing visible is left (Slack refuses empty text).
     */
    public List<String> render(String markdown) {
        return render(markdown, maxLength);
    }

    /**
     * The same rendering as one text, however long, for tests that compare the messages with it: links are written
     * as they are for this format's limit.
     */
    String unsplit(String markdown) {
        return String.join("", render(markdown, Integer.MAX_VALUE));
    }

    private List<String> render(String markdown, int limit) {
        Rendering rendering = new Rendering(maxLength);
        parser.parse(markdown == null ? "" : markdown).accept(rendering);
        return split(rendering.text.toString(), rendering.events(), rendering.linePrefixes, limit);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Rendering: the escaped text and, beside it, where markers open and close. Keeping markers out of the text is what
    // lets the splitter cut anywhere without breaking one, and reopen at the next message what the cut left open.

    private enum Kind { BOLD, ITALIC, STRIKE, CODE, PRE, LINK }

    /** A styled stretch: the mrkdwn written before and after it. */
    private record Element(Kind kind, String open, String close) {

        static final Element BOLD = new Element(Kind.BOLD, "*", "*");
        static final Element ITALIC = new Element(Kind.ITALIC, "_", "_");
        static final Element STRIKE = new Element(Kind.STRIKE, "~", "~");
        static final Element CODE = new Element(Kind.CODE, "`", "`");

        /** A code block; its lines carry the quote marker of the quote it stands in, if any. */
        static Element pre(String linePrefix) {
            return new Element(Kind.PRE, FENCE + "\n" + linePrefix, "\n" + linePrefix + FENCE);
        }
    }

    private record Event(int position, Element element, boolean open) {
    }

    private static final class Rendering extends AbstractVisitor {

        final StringBuilder text = new StringBuilder();
        /** Where a line starts with a prefix (quote marker, list indentation): position → prefix length. */
        final Map<Integer, Integer> linePrefixes = new HashMap<>();
        private final List<Event> events = new ArrayList<>();
        private final Set<Kind> styled = EnumSet.noneOf(Kind.class);
        private final int maxLinkMarkup;
        // Separators are written lazily, just before the next content, so that a closing marker lands before the
        // blank line and an empty block leaves no stray blank line behind.
        private int pendingNewlines;
        private String indent = "";
        private int quoteDepth;

        Rendering(int maxLength) {
            // A link reopened at the start of every message it spans must leave room for text.
            this.maxLinkMarkup = maxLength / 4;
        }

        /** The events without empty elements, which would only show their markers. */
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
            if (pendingNewlines > 0 && !text.isEmpty()) {
                text.append("\n".repeat(pendingNewlines));
                startLine(indent);
            }
            pendingNewlines = 0;
        }

        private void startLine(String prefix) {
            if (!prefix.isEmpty()) {
                linePrefixes.put(text.length(), prefix.length());
                text.append(prefix);
            }
        }

        /** Text as the user should read it: {@code &}, {@code <} and {@code >} escaped, nothing else. */
        private void write(String literal) {
            if (literal.isEmpty()) {
                return;
            }
            flushSeparator();
            text.append(escape(literal));
        }

        /** mrkdwn of this class's own making: bullets, rules, quote markers. */
        private void writeRaw(String markup) {
            flushSeparator();
            text.append(markup);
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

        /** Styles the node's children, unless mrkdwn cannot: the same style inside itself, any style in a link. */
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
            wrap(Element.BOLD, heading);
            endBlock(heading);
        }

        @Override
        public void visit(BlockQuote blockQuote) {
            // mrkdwn cannot nest quotes: an inner quote simply continues the outer one.
            String outer = indent;
            if (quoteDepth++ == 0) {
                indent = outer + QUOTE;
                if (pendingNewlines == 0 || text.isEmpty()) {
                    // No separator is coming to start the line with the marker (first block, or right after a
                    // list marker): it is written here.
                    flushSeparator();
                    if (text.isEmpty() || text.charAt(text.length() - 1) == '\n') {
                        startLine(QUOTE);
                    } else {
                        text.append(QUOTE);
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
            String marker = BULLET;
            if (item.getParent() instanceof OrderedList list) {
                int number = list.getMarkerStartNumber() == null ? 1 : list.getMarkerStartNumber();
                for (Node sibling = item.getPrevious(); sibling != null; sibling = sibling.getPrevious()) {
                    number++;
                }
                marker = number + ". ";
            }
            writeRaw(marker);
            // Continuation lines and nested lists line up under the item's text.
            String outer = indent;
            indent = outer + " ".repeat(marker.length());
            visitChildren(item);
            indent = outer;
            endBlock(item);
        }

        @Override
        public void visit(ThematicBreak thematicBreak) {
            writeRaw(RULE);
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
         * A fenced block; mrkdwn shows no language, so the info string is dropped. The literal's own indentation is
         * code, so its lines are not indented under a list item; inside a quote they carry the quote marker.
         */
        private void codeBlock(Node block, String literal) {
            String linePrefix = quoteDepth > 0 ? indent : "";
            Element pre = Element.pre(linePrefix);
            open(pre);
            String[] lines = stripTrailingNewlines(literal).split("\r?\n", -1);
            for (int i = 0; i < lines.length; i++) {
                if (i > 0) {
                    text.append('\n');
                    startLine(linePrefix);
                }
                text.append(escape(lines[i]));
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
        public void visit(Code code) {
            String literal = code.getLiteral();
            // mrkdwn has no way to put a backtick into inline code, nor code into a link's text.
            if (styled.contains(Kind.LINK) || literal.indexOf('`') >= 0) {
                write(literal);
            } else {
                open(Element.CODE);
                write(literal);
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
            if (href == null || styled.contains(Kind.LINK)) {
                visitChildren(link);
                return;
            }
            link(href, () -> visitChildren(link));
        }

        @Override
        public void visit(Image image) {
            String alt = plainText(image).strip();
            String href = safeHref(image.getDestination());
            if (href == null || styled.contains(Kind.LINK)) {
                write(alt);
                return;
            }
            link(href, () -> write(alt));
        }

        /**
         * {@code <url|text>}, or the text followed by the URL when the URL is so long that reopening the link in every
         * message it spans would crowd out the text.
         */
        private void link(String href, Runnable label) {
            Element anchor = new Element(Kind.LINK, "<" + escapeUrl(href) + "|", ">");
            if (anchor.open().length() + anchor.close().length() > maxLinkMarkup) {
                int before = text.length();
                label.run();
                write(text.length() == before ? href : " (" + href + ")");
                return;
            }
            open(anchor);
            int before = text.length();
            label.run();
            if (text.length() == before) {
                write(href);
            }
            close(anchor);
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

    /** The three characters Slack reads as markup; everything else is shown as written. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A URL inside {@code <…|…>}: escaped, and without the bar or spaces that would end it early. */
    private static String escapeUrl(String href) {
        return escape(href).replace("|", "%7C").replace(" ", "%20");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Splitting: cut the text, then replay the markers of each piece, closing what is still open at its end and
    // reopening it at the start of the next, so that every message reads alone. Markers count against the limit, so
    // a piece that comes out too long is cut again a little earlier.

    /** One message, and where the next one starts. */
    private record Piece(String mrkdwn, boolean blank, List<Element> openAfter, int nextEvent, int resume) {
    }

    private static List<String> split(String text, List<Event> events, Map<Integer, Integer> linePrefixes,
                                      int maxLength) {
        List<String> chunks = new ArrayList<>();
        List<Element> openElements = List.of();
        int nextEvent = 0;
        int start = 0;
        int length = text.length();
        while (start < length) {
            int window = maxLength;
            Piece piece;
            while (true) {
                int cut;
                int resume;
                if (length - start <= window) {
                    cut = length;
                    resume = length;
                } else {
                    cut = cutPoint(text, start, window);
                    resume = skipSeparator(text, cut);
                }
                piece = piece(text, events, linePrefixes, start, cut, resume, openElements, nextEvent);
                int over = piece.mrkdwn().length() - maxLength;
                if (over <= 0 || window == 1) {
                    break;
                }
                window = Math.max(1, window - over);
            }
            if (!piece.blank()) {
                chunks.add(piece.mrkdwn());
            }
            openElements = piece.openAfter();
            nextEvent = piece.nextEvent();
            start = piece.resume();
        }
        return List.copyOf(chunks);
    }

    private static Piece piece(String text, List<Event> events, Map<Integer, Integer> linePrefixes, int start, int cut,
                               int resume, List<Element> openAtStart, int firstEvent) {
        boolean last = resume >= text.length();
        int end = trimmedEnd(text, linePrefixes, start, cut);
        List<Element> openElements = new ArrayList<>(openAtStart);
        StringBuilder mrkdwn = new StringBuilder();
        int position = start;
        int nextEvent = firstEvent;
        Integer prefix = linePrefixes.get(start);
        if (prefix != null) {
            // Markers go after the line's quote marker or indentation, where the line's text begins: the reopened
            // ones, and those the previous message left for this one.
            position = Math.min(end, start + prefix);
            mrkdwn.append(text, start, position);
            openElements.forEach(element -> mrkdwn.append(element.open()));
            while (nextEvent < events.size() && events.get(nextEvent).position() <= position
                    && events.get(nextEvent).position() < end) {
                apply(events.get(nextEvent++), mrkdwn, openElements);
            }
        } else {
            openElements.forEach(element -> mrkdwn.append(element.open()));
        }
        while (nextEvent < events.size() && events.get(nextEvent).position() < end) {
            Event event = events.get(nextEvent++);
            if (event.position() > position) {
                mrkdwn.append(text, position, event.position());
                position = event.position();
            }
            apply(event, mrkdwn, openElements);
        }
        if (end > position) {
            mrkdwn.append(text, position, end);
        }
        // Elements that end at the cut end in this message; what opens after it belongs to the next one.
        while (nextEvent < events.size()) {
            Event event = events.get(nextEvent);
            if (!last && (event.open() || event.position() > resume)) {
                break;
            }
            apply(event, mrkdwn, openElements);
            nextEvent++;
        }
        List<Element> openAfter = List.copyOf(openElements);
        for (int i = openElements.size() - 1; i >= 0; i--) {
            mrkdwn.append(openElements.get(i).close());
        }
        return new Piece(mrkdwn.toString(), isBlank(text, start, end), openAfter, nextEvent, resume);
    }

    /**
     * Where the message's text ends: before trailing whitespace (Slack trims it anyway, and a marker after it would not
     * close) and before a last line holding nothing but its quote marker or indentation.
     */
    private static int trimmedEnd(String text, Map<Integer, Integer> linePrefixes, int start, int cut) {
        int end = cut;
        while (true) {
            while (end > start && isSpace(text.charAt(end - 1))) {
                end--;
            }
            int lineStart = text.lastIndexOf('\n', end - 1) + 1;
            Integer prefix = linePrefixes.get(lineStart);
            if (lineStart <= start || prefix == null || end > lineStart + prefix) {
                return end;
            }
            end = lineStart;
        }
    }

    private static void apply(Event event, StringBuilder mrkdwn, List<Element> openElements) {
        if (event.open()) {
            mrkdwn.append(event.element().open());
            openElements.add(event.element());
        } else {
            mrkdwn.append(event.element().close());
            openElements.removeLast();
        }
    }

    /** Nothing but whitespace and quote markers (a raw {@code >} is always one: text has {@code &gt;}). */
    private static boolean isBlank(String text, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (!isSpace(c) && c != '>') {
                return false;
            }
        }
        return true;
    }

    /**
     * Where to end the message that starts at {@code start}: the last paragraph break within the window, else the last
     * line break, else the last space, else a hard cut that never separates a surrogate pair nor an escape. A break
     * in the first half of the window is taken only if nothing fits in the second half, so a short paragraph is not
     * sent alone when a long one follows it.
     */
    private static int cutPoint(String text, int start, int window) {
        int limit = start + window;
        int half = start + window / 2;
        int fallback = -1;
        for (int level = 0; level < 3; level++) {
            int cut = lastBreak(text, start, limit, level);
            if (cut >= half && cut > start) {
                return cut;
            }
            fallback = Math.max(fallback, cut);
        }
        if (fallback > start) {
            return fallback;
        }
        int cut = limit;
        int ampersand = text.lastIndexOf('&', cut - 1);
        if (ampersand >= 0 && cut - ampersand < "&amp;".length() && text.indexOf(';', ampersand) >= cut) {
            // Every & in the text opens an escape (text's own & is &amp;): cut before it, not inside.
            cut = ampersand > start ? ampersand : text.indexOf(';', ampersand) + 1;
        }
        if (cut < text.length() && Character.isLowSurrogate(text.charAt(cut))
                && Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut = cut - 1 > start ? cut - 1 : cut + 1;
        }
        return cut;
    }

    /** The last index in (start, limit] where a break of the level (0 paragraph, 1 line, 2 word) begins, or -1. */
    private static int lastBreak(String text, int start, int limit, int level) {
        for (int i = limit; i > start; i--) {
            char c = text.charAt(i);
            boolean found = switch (level) {
                case 0 -> c == '\n' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
                case 1 -> c == '\n';
                default -> (c == ' ' || c == '\t') && !inLineStart(text, i);
            };
            if (found) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether only a line's quote marker, indentation or list marker comes before {@code index} on its line: a space
     * there is part of them, and cutting at it would leave a bare marker behind.
     */
    private static boolean inLineStart(String text, int index) {
        for (int i = index - 1; i >= 0 && text.charAt(i) != '\n'; i--) {
            char c = text.charAt(i);
            if (c != ' ' && c != '>' && c != '•' && c != '.' && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    /** The separator at a cut is not sent: newlines at a line or paragraph break, spaces at a word break. */
    private static int skipSeparator(String text, int cut) {
        int i = cut;
        if (i >= text.length()) {
            return i;
        }
        char first = text.charAt(cut);
        if (first == '\n') {
            while (i < text.length() && text.charAt(i) == '\n') {
                i++;
            }
        } else if (first == ' ' || first == '\t') {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                i++;
            }
        }
        return i;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
