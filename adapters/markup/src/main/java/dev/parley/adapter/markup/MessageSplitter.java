package dev.parley.adapter.markup;

import dev.parley.adapter.markup.RenderedMarkup.Element;
import dev.parley.adapter.markup.RenderedMarkup.Event;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a rendering into messages, then replays the markers of each piece, closing what is still open at its end and
 * reopening it at the start of the next, so that every message reads alone. Markers count against the limit, so a
 * piece that comes out too long is cut again a little earlier.
 */
final class MessageSplitter {

    /** One message, and where the next one starts. */
    private record Piece(String markup, boolean blank, List<Element> openAfter, int nextEvent, int resume) {
    }

    private final RenderedMarkup rendered;
    private final String text;
    private final List<Event> events;

    private MessageSplitter(RenderedMarkup rendered) {
        this.rendered = rendered;
        this.text = rendered.text();
        this.events = rendered.events();
    }

    /** The messages, none longer than {@code maxLength} and none showing nothing. */
    static List<String> split(RenderedMarkup rendered, int maxLength) {
        return new MessageSplitter(rendered).split(maxLength);
    }

    private List<String> split(int maxLength) {
        List<String> messages = new ArrayList<>();
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
                    cut = cutPoint(start, window);
                    resume = skipSeparator(cut);
                }
                piece = piece(start, cut, resume, openElements, nextEvent);
                int over = piece.markup().length() - maxLength;
                if (over <= 0 || window == 1) {
                    break;
                }
                window = Math.max(1, window - over);
            }
            if (!piece.blank()) {
                messages.add(piece.markup());
            }
            openElements = piece.openAfter();
            nextEvent = piece.nextEvent();
            start = piece.resume();
        }
        return List.copyOf(messages);
    }

    private Piece piece(int start, int cut, int resume, List<Element> openAtStart, int firstEvent) {
        boolean last = resume >= text.length();
        int end = trimmedEnd(start, cut);
        List<Element> openElements = new ArrayList<>(openAtStart);
        StringBuilder markup = new StringBuilder();
        int position = start;
        int nextEvent = firstEvent;
        Integer prefix = rendered.linePrefixes().get(start);
        if (prefix != null) {
            // Markers go after the line's quote marker or indentation, where the line's text begins: the reopened
            // ones, and those the previous message left for this one.
            position = Math.min(end, start + prefix);
            markup.append(text, start, position);
            openElements.forEach(element -> markup.append(element.open()));
            while (nextEvent < events.size() && events.get(nextEvent).position() <= position
                    && events.get(nextEvent).position() < end) {
                apply(events.get(nextEvent++), markup, openElements);
            }
        } else {
            openElements.forEach(element -> markup.append(element.open()));
        }
        while (nextEvent < events.size() && events.get(nextEvent).position() < end) {
            Event event = events.get(nextEvent++);
            if (event.position() > position) {
                markup.append(text, position, event.position());
                position = event.position();
            }
            apply(event, markup, openElements);
        }
        if (end > position) {
            markup.append(text, position, end);
        }
        // Elements that end at the cut end in this message; what opens after it belongs to the next one.
        while (nextEvent < events.size()) {
            Event event = events.get(nextEvent);
            if (!last && (event.open() || event.position() > resume)) {
                break;
            }
            apply(event, markup, openElements);
            nextEvent++;
        }
        List<Element> openAfter = List.copyOf(openElements);
        for (int i = openElements.size() - 1; i >= 0; i--) {
            markup.append(openElements.get(i).close());
        }
        return new Piece(markup.toString(), isBlank(start, end), openAfter, nextEvent, resume);
    }

    /**
     * Where the message's text ends: before trailing whitespace (platforms trim it anyway, and a marker after it would
     * not close) and before a last line holding nothing but its quote marker or indentation.
     */
    private int trimmedEnd(int start, int cut) {
        int end = cut;
        while (true) {
            while (end > start && isSpace(text.charAt(end - 1))) {
                end--;
            }
            int lineStart = text.lastIndexOf('\n', end - 1) + 1;
            Integer prefix = rendered.linePrefixes().get(lineStart);
            if (lineStart <= start || prefix == null || end > lineStart + prefix) {
                return end;
            }
            end = lineStart;
        }
    }

    private static void apply(Event event, StringBuilder markup, List<Element> openElements) {
        if (event.open()) {
            markup.append(event.element().open());
            openElements.add(event.element());
        } else {
            markup.append(event.element().close());
            openElements.removeLast();
        }
    }

    /** Nothing but whitespace, quote markers and indentation. */
    private boolean isBlank(int start, int end) {
        for (int i = start; i < end; i++) {
            if (!isSpace(text.charAt(i)) && !rendered.layout().get(i)) {
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
    private int cutPoint(int start, int window) {
        int limit = start + window;
        int half = start + window / 2;
        int fallback = -1;
        for (int level = 0; level < 3; level++) {
            int cut = lastBreak(start, limit, level);
            if (cut >= half && cut > start) {
                return cut;
            }
            fallback = Math.max(fallback, cut);
        }
        if (fallback > start) {
            return fallback;
        }
        int cut = limit;
        if (rendered.insideEscapes().get(cut)) {
            int escapeStart = rendered.insideEscapes().previousClearBit(cut);
            cut = escapeStart > start ? escapeStart : rendered.insideEscapes().nextClearBit(cut);
        }
        if (cut < text.length() && Character.isLowSurrogate(text.charAt(cut))
                && Character.isHighSurrogate(text.charAt(cut - 1))) {
            cut = cut - 1 > start ? cut - 1 : cut + 1;
        }
        return cut;
    }

    /** The last index in (start, limit] where a break of the level (0 paragraph, 1 line, 2 word) begins, or -1. */
    private int lastBreak(int start, int limit, int level) {
        for (int i = limit; i > start; i--) {
            char c = text.charAt(i);
            boolean found = switch (level) {
                case 0 -> c == '\n' && i + 1 < text.length() && text.charAt(i + 1) == '\n';
                case 1 -> c == '\n';
                default -> (c == ' ' || c == '\t') && !inLineStart(i);
            };
            if (found) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether only spaces, a quote marker, indentation or a list marker come before {@code index} on its line: a space
     * there is part of them, or of a code line's own indentation, and cutting at it would leave a bare marker behind or
     * lose the indentation.
     */
    private boolean inLineStart(int index) {
        for (int i = index - 1; i >= 0 && text.charAt(i) != '\n'; i--) {
            if (text.charAt(i) != ' ' && !rendered.layout().get(i) && !rendered.listMarkers().get(i)) {
                return false;
            }
        }
        return true;
    }

    /** The separator at a cut is not sent: newlines at a line or paragraph break, spaces at a word break. */
    private int skipSeparator(int cut) {
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
