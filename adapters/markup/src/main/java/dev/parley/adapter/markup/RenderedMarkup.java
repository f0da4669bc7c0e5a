package dev.parley.adapter.markup;

import java.util.BitSet;
import java.util.List;
import java.util.Map;

/**
 * A rendering as the splitter needs it: the text with its escapes, quote markers, indentation and list markers, and
 * beside it where styled elements open and close. Keeping style markers out of the text is what lets the splitter cut
 * anywhere without breaking one, and reopen at the next message what the cut left open.
 *
 * @param text          everything shown but the style markers
 * @param events        where styled elements open and close, in the order of the text
 * @param linePrefixes  where a line starts with a prefix (quote marker, indentation): position → prefix length
 * @param layout        the characters of quote markers and indentation, which show nothing on their own
 * @param listMarkers   the characters of list markers, which a line must not be cut right after
 * @param insideEscapes the positions inside an escape, after its first character: a cut there would break it
 */
record RenderedMarkup(String text, List<Event> events, Map<Integer, Integer> linePrefixes, BitSet layout,
                      BitSet listMarkers, BitSet insideEscapes) {

    enum Kind { BOLD, ITALIC, STRIKE, CODE, PRE, LINK }

    /** A styled stretch: the markup written before and after it. */
    record Element(Kind kind, String open, String close) {
    }

    record Event(int position, Element element, boolean open) {
    }
}
