package dev.parley.adapter.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlackFormatTest {

    private final SlackFormat format = new SlackFormat();

    private String one(String markdown) {
        List<String> chunks = format.render(markdown);
        assertThat(chunks).hasSize(1);
        Mrkdwn.check(chunks.getFirst());
        return chunks.getFirst();
    }

    // --- formatting ---------------------------------------------------------------------------------------------

    @Test
    void inlineStyles() {
        assertThat(one("**bold** *italic* __strong__ _em_ ~~gone~~ `x < y`"))
                .isEqualTo("*bold* _italic_ *strong* _em_ ~gone~ `x &lt; y`");
    }

    @Test
    void aStyleInsideItselfIsWrittenOnce() {
        assertThat(one("**bold *it* and **more** bold**")).isEqualTo("*bold _it_ and more bold*");
        assertThat(one("# Title with **bold**")).isEqualTo("*Title with bold*");
        assertThat(one("*a **b** c*")).isEqualTo("_a *b* c_");
    }

    @Test
    void headingBecomesABoldLine() {
        assertThat(one("# Title\n\nText\n\n## Sub *part*")).isEqualTo("*Title*\n\nText\n\n*Sub _part_*");
    }

    @Test
    void paragraphsArePartedByABlankLineAndSoftBreaksAreNewlines() {
        assertThat(one("one\ntwo\n\n\n\nthree  \nfour")).isEqualTo("one\ntwo\n\nthree\nfour");
    }

    @Test
    void bulletListsWithNesting() {
        assertThat(one("Intro\n\n- a\n- b\n  - c\n  - d\n- e\n\nAfter"))
                .isEqualTo("Intro\n\n• a\n• b\n  • c\n  • d\n• e\n\nAfter");
    }

    @Test
    void orderedListsKeepTheirStartNumber() {
        assertThat(one("3. x\n4. y\n   1. deep")).isEqualTo("3. x\n4. y\n   1. deep");
    }

    @Test
    void blockQuotesMarkEveryLineAndNestedQuotesAreFlattened() {
        assertThat(one("> quoted **text**\n> second line\n> > inner\n\nafter"))
                .isEqualTo("> quoted *text*\n> second line\n\n> inner\n\nafter");
        assertThat(one("- item\n\n  > quoted in an item")).isEqualTo("• item\n\n  > quoted in an item");
        assertThat(one("- > quote as the item")).isEqualTo("• > quote as the item");
    }

    @Test
    void thematicBreakBecomesALine() {
        assertThat(one("a\n\n---\n\nb")).isEqualTo("a\n\n———\n\nb");
    }

    @Test
    void codeBlocksAreFencedWithoutTheirLanguage() {
        assertThat(one("```java\nif (a < b && c > d) {}\n  *not bold*\n```"))
                .isEqualTo("```\nif (a &lt; b &amp;&amp; c &gt; d) {}\n  *not bold*\n```");
        assertThat(one("    indented code")).isEqualTo("```\nindented code\n```");
        assertThat(one("Before\n\n```\nx\n```\n\nAfter")).isEqualTo("Before\n\n```\nx\n```\n\nAfter");
    }

    @Test
    void aCodeBlockInAQuoteKeepsTheQuoteMarkerOnEveryLine() {
        assertThat(one("> look:\n>\n> ```\n> a\n> b\n> ```")).isEqualTo("> look:\n\n> ```\n> a\n> b\n> ```");
    }

    @Test
    void linksBecomeAngleBracketsWithTheirText() {
        assertThat(one("[site](https://example.com/a?b=1&c=2) [h](http://x.org) [mail](mailto:a@b.org) "
                + "<https://auto.link>"))
                .isEqualTo("<https://example.com/a?b=1&amp;c=2|site> <http://x.org|h> <mailto:a@b.org|mail> "
                        + "<https://auto.link|https://auto.link>");
    }

    @Test
    void linkTextIsPlainBecauseSlackCannotStyleIt() {
        assertThat(one("[**bold** and `code`](https://example.com)")).isEqualTo("<https://example.com|bold and code>");
        assertThat(one("**[bold link](https://example.com)**")).isEqualTo("*<https://example.com|bold link>*");
    }

    @Test
    void aBarOrASpaceCannotEndALinkEarly() {
        assertThat(one("[a|b](<https://example.com/x|y z>)")).isEqualTo("<https://example.com/x%7Cy%20z|a|b>");
    }

    @Test
    void javascriptAndOtherSchemesBecomePlainText() {
        assertThat(one("[click](javascript:alert(1)) [data](data:text/html,x) [rel](/path) [app](slack://open)"))
                .isEqualTo("click data rel app");
        assertThat(one("![pic](javascript:alert(1))")).isEqualTo("pic");
    }

    @Test
    void imageBecomesALinkWithItsAltText() {
        assertThat(one("![a *cat*](https://example.com/cat.png)")).isEqualTo("<https://example.com/cat.png|a cat>");
        assertThat(one("![](https://example.com/cat.png)"))
                .isEqualTo("<https://example.com/cat.png|https://example.com/cat.png>");
    }

    @Test
    void aUrlTooLongToReopenInEveryMessageIsWrittenAfterItsText() {
        String url = "https://example.com/" + "a".repeat(1000);

        assertThat(one("[the docs](" + url + ")")).isEqualTo("the docs (" + url + ")");
    }

    @Test
    void inlineCodeWithABacktickIsPlainText() {
        assertThat(format.render("``a ` b``")).containsExactly("a ` b");
    }

    // --- escaping -----------------------------------------------------------------------------------------------

    @Test
    void onlyAmpersandAndAngleBracketsAreEscaped() {
        assertThat(one("a & b < c > d \"q\" 'x' &amp; <@U123> <!here>"))
                .isEqualTo("a &amp; b &lt; c &gt; d \"q\" 'x' &amp; &lt;@U123&gt; &lt;!here&gt;");
    }

    @Test
    void rawHtmlIsEscapedText() {
        assertThat(one("<script>alert(1)</script>")).isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(one("a <b>b</b>")).isEqualTo("a &lt;b&gt;b&lt;/b&gt;");
    }

    @Test
    void nothingVisibleGivesNoMessage() {
        assertThat(format.render("")).isEmpty();
        assertThat(format.render(null)).isEmpty();
        assertThat(format.render("  \n\n  ")).isEmpty();
        assertThat(format.render("[ref]: https://example.com")).isEmpty();
        assertThat(format.render("**  **")).allSatisfy(chunk -> assertThat(chunk).isNotBlank());
    }

    // --- splitting ----------------------------------------------------------------------------------------------

    @Test
    void tenThousandCharactersSplitOnParagraphBoundaries() {
        List<String> paragraphs = IntStream.range(0, 50)
                .mapToObj(i -> ("Paragraph " + i + " " + "lorem ipsum dolor ".repeat(11)).strip())
                .toList();
        String markdown = String.join("\n\n", paragraphs);
        assertThat(markdown.length()).isGreaterThan(10_000);

        List<String> chunks = format.render(markdown);

        assertThat(chunks).hasSizeGreaterThan(2);
        List<String> seen = new ArrayList<>();
        for (String chunk : chunks) {
            assertThat(chunk.length()).isLessThanOrEqualTo(SlackFormat.MAX_MESSAGE_LENGTH);
            seen.addAll(List.of(chunk.split("\n\n")));
        }
        assertThat(seen).isEqualTo(paragraphs);
    }

    @Test
    void aLongCodeBlockIsClosedAndReopenedAcrossMessages() {
        List<String> lines = IntStream.range(0, 600).mapToObj(i -> "print(" + i + " < 10 & True)").toList();
        String markdown = "Before\n\n```python\n" + String.join("\n", lines) + "\n```\n\nAfter";

        List<String> chunks = format.render(markdown);

        assertThat(chunks).hasSizeGreaterThan(2);
        List<String> codeLines = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            String chunk = chunks.get(i);
            assertThat(chunk.length()).isLessThanOrEqualTo(SlackFormat.MAX_MESSAGE_LENGTH);
            Mrkdwn.check(chunk);
            String body = chunk;
            if (i == 0) {
                assertThat(chunk).startsWith("Before\n\n");
                body = chunk.substring("Before\n\n".length());
            }
            if (i == chunks.size() - 1) {
                assertThat(chunk).endsWith("\n\nAfter");
                body = body.substring(0, body.length() - "\n\nAfter".length());
            }
            assertThat(body).startsWith("```\n").endsWith("\n```");
            codeLines.addAll(List.of(body.substring(4, body.length() - 4).split("\n")));
        }
        assertThat(codeLines).isEqualTo(lines.stream().map(line -> line.replace("<", "&lt;").replace("&", "&amp;")
                .replace("&amp;lt;", "&lt;")).toList());
    }

    @Test
    void aCodeBlockInAQuoteIsReopenedInsideTheQuote() {
        SlackFormat small = new SlackFormat(64);
        String code = IntStream.range(0, 12).mapToObj(i -> "line " + i).collect(Collectors.joining("\n> "));

        List<String> chunks = small.render("> ```\n> " + code + "\n> ```");

        assertThat(chunks).hasSizeGreaterThan(1);
        for (String chunk : chunks) {
            Mrkdwn.check(chunk);
            assertThat(chunk.length()).isLessThanOrEqualTo(64);
            assertThat(chunk).startsWith("> ```\n> line").endsWith("\n> ```");
        }
    }

    @Test
    void stylesAndLinksSpanningACutAreReopenedInTheNextMessage() {
        String words = "word ".repeat(1500).strip();
        List<String> chunks = format.render("**" + words + "** [" + words + "](https://example.com/?a=1&b=2)");

        assertThat(chunks).hasSizeGreaterThan(2);
        for (String chunk : chunks) {
            assertThat(chunk.length()).isLessThanOrEqualTo(SlackFormat.MAX_MESSAGE_LENGTH);
            Mrkdwn.check(chunk);
        }
        assertThat(chunks.get(0)).startsWith("*word word").endsWith("word*");
        assertThat(chunks.getLast()).startsWith("<https://example.com/?a=1&amp;b=2|word").endsWith("word>");
    }

    @Test
    void markersAndEscapesCountAgainstTheLimit() {
        assertThat(format.render("&".repeat(800))).containsExactly("&amp;".repeat(800));
        List<String> chunks = format.render("&".repeat(801));
        assertThat(chunks).extracting(String::length).allSatisfy(length -> assertThat(length).isLessThanOrEqualTo(4000));
        assertThat(String.join("", chunks)).isEqualTo("&amp;".repeat(801));

        List<String> bold = format.render("**" + "x".repeat(3999) + "**");
        assertThat(bold).containsExactly("*" + "x".repeat(3998) + "*", "*x*");
    }

    @Test
    void emojiAreNeverSplit() {
        String shifted = "a" + "😀".repeat(3000);

        List<String> chunks = format.render(shifted);

        StringBuilder joined = new StringBuilder();
        for (String chunk : chunks) {
            assertThat(chunk.length()).isLessThanOrEqualTo(4000);
            assertThat(Character.isLowSurrogate(chunk.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(chunk.charAt(chunk.length() - 1))).isFalse();
            joined.append(chunk);
        }
        assertThat(joined.toString()).isEqualTo(shifted);
    }

    @Test
    void cutPreferenceIsParagraphThenLineThenWordThenHard() {
        SlackFormat small = new SlackFormat(64);
        String a = "a".repeat(20);
        String b = "b".repeat(20);
        String c = "c".repeat(30);
        String d = "d".repeat(10);
        assertThat(small.render(a + " " + b + "\n" + d + "\n\n" + c)).containsExactly(a + " " + b + "\n" + d, c);
        assertThat(small.render(a + " " + b + "\n" + c + " " + c)).containsExactly(a + " " + b, c + " " + c);
        assertThat(small.render((a + " ").repeat(4).strip())).containsExactly(a + " " + a + " " + a, a);
        assertThat(small.render("x".repeat(150))).containsExactly("x".repeat(64), "x".repeat(64), "x".repeat(22));
    }

    @Test
    void listItemsSplitOnLinesAndKeepTheirMarkers() {
        SlackFormat small = new SlackFormat(64);
        String item = "item " + "z".repeat(20);
        assertThat(small.render("- " + item + "\n- " + item + "\n- " + item))
                .containsExactly("• " + item + "\n• " + item, "• " + item);
    }

    @Test
    void aLimitBelowTheMinimumIsRejected() {
        assertThatThrownBy(() -> new SlackFormat(63)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    @Test
    void helperRejectsWhatSlackWouldMisread() {
        assertThatThrownBy(() -> Mrkdwn.check("```\nopen")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Mrkdwn.check("a & b")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Mrkdwn.check("a < b")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Mrkdwn.check("a > b")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Mrkdwn.check("*half bold")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Mrkdwn.check("<javascript:x|x>")).isInstanceOf(AssertionError.class);
        assertThat(Mrkdwn.visibleText("> *a* <https://e.com|b &amp; c> ```\nx &lt; y\n```")).isEqualTo(" a b & c \nx < y\n");
    }

    /**
     * A strict reader of the mrkdwn {@link SlackFormat} may produce: it checks that code fences and style markers come
     * in pairs, that every {@code &} is one of the three escapes, every {@code <} a link of an allowed scheme and every
     * other {@code >} a quote marker, and returns the text a reader sees.
     */
    static final class Mrkdwn {

        private static final Pattern LINK = Pattern.compile("<((?:https?|mailto):[^<>|\\s]*)\\|([^<>]*)>");
        private static final Pattern ESCAPE = Pattern.compile("&(?:amp|lt|gt);");

        private Mrkdwn() {
        }

        static void check(String mrkdwn) {
            check(count(mrkdwn, "```") % 2 == 0, "unbalanced code fence", mrkdwn);
            for (String marker : List.of("*", "_", "~", "`")) {
                check(count(mrkdwn, marker) % 2 == 0, "unbalanced " + marker, mrkdwn);
            }
            Matcher escapes = Pattern.compile("&").matcher(mrkdwn);
            while (escapes.find()) {
                Matcher escape = ESCAPE.matcher(mrkdwn).region(escapes.start(), mrkdwn.length());
                check(escape.lookingAt(), "raw & at " + escapes.start(), mrkdwn);
            }
            String withoutLinks = LINK.matcher(mrkdwn).replaceAll("");
            check(withoutLinks.indexOf('<') < 0, "< outside a link", mrkdwn);
            for (String line : withoutLinks.split("\n", -1)) {
                int quote = line.indexOf('>');
                check(quote < 0 || (line.substring(0, quote).matches("[ •0-9.]*")
                        && line.indexOf('>', quote + 1) < 0), "> that is no quote marker", mrkdwn);
            }
        }

        /** Links read as their text, quote markers, fences and style markers vanish, escapes read as characters. */
        static String visibleText(String mrkdwn) {
            String text = LINK.matcher(mrkdwn).replaceAll(match -> Matcher.quoteReplacement(match.group(2)));
            text = text.replace("```", "").replace(">", "").replaceAll("[*_~`]", "");
            return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        }

        private static int count(String text, String part) {
            int n = 0;
            for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
                n++;
            }
            return n;
        }

        private static void check(boolean condition, String problem, String mrkdwn) {
            if (!condition) {
                String shown = mrkdwn.length() > 300 ? mrkdwn.substring(0, 300) + "…" : mrkdwn;
                throw new AssertionError(problem + " in: " + shown);
            }
        }
    }
}
