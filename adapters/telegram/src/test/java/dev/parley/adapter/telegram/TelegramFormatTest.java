package dev.parley.adapter.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TelegramFormatTest {

    private final TelegramFormat format = new TelegramFormat();

    private String one(String markdown) {
        List<String> chunks = format.render(markdown);
        assertThat(chunks).hasSize(1);
        Html.visibleText(chunks.getFirst());
        return chunks.getFirst();
    }

    // --- formatting ---------------------------------------------------------------------------------------------

    @Test
    void inlineStyles() {
        assertThat(one("**bold** *italic* __strong__ _em_ ~~gone~~ `x < y`"))
                .isEqualTo("<b>bold</b> <i>italic</i> <b>strong</b> <i>em</i> <s>gone</s> <code>x &lt; y</code>");
    }

    @Test
    void headingBecomesABoldLine() {
        assertThat(one("# Title\n\nText\n\n## Sub *part*")).isEqualTo("<b>Title</b>\n\nText\n\n<b>Sub <i>part</i></b>");
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
    void looseListItemsArePartedByABlankLine() {
        assertThat(one("- a\n\n- b\n\n  more")).isEqualTo("• a\n\n• b\n\n  more");
    }

    @Test
    void blockQuoteBecomesBlockquoteAndNestedQuotesAreFlattened() {
        assertThat(one("> quoted **text**\n> > inner\n\nafter"))
                .isEqualTo("<blockquote>quoted <b>text</b>\n\ninner</blockquote>\n\nafter");
    }

    @Test
    void thematicBreakBecomesALine() {
        assertThat(one("a\n\n---\n\nb")).isEqualTo("a\n\n———\n\nb");
    }

    @Test
    void fencedCodeWithAndWithoutLanguage() {
        assertThat(one("```java\nif (a < b && c > d) {}\n```"))
                .isEqualTo("<pre><code class=\"language-java\">if (a &lt; b &amp;&amp; c &gt; d) {}</code></pre>");
        assertThat(one("```\nplain\n  indented\n```")).isEqualTo("<pre>plain\n  indented</pre>");
        assertThat(one("    indented code")).isEqualTo("<pre>indented code</pre>");
        // An info string that is not a plain language name is dropped rather than put into an attribute.
        assertThat(one("```\"><b>\nx\n```")).isEqualTo("<pre>x</pre>");
    }

    @Test
    void imageBecomesALinkWithItsAltText() {
        assertThat(one("![a *cat*](https://example.com/cat.png)"))
                .isEqualTo("<a href=\"https://example.com/cat.png\">a cat</a>");
        assertThat(one("![](https://example.com/cat.png)"))
                .isEqualTo("<a href=\"https://example.com/cat.png\">https://example.com/cat.png</a>");
    }

    @Test
    void linksOfAllowedSchemes() {
        assertThat(one("[site](https://example.com/a?b=1&c=2) [h](http://x.org) [me](tg://user?id=1) "
                + "[mail](mailto:a@b.org) <https://auto.link>"))
                .isEqualTo("<a href=\"https://example.com/a?b=1&amp;c=2\">site</a> <a href=\"http://x.org\">h</a> "
                        + "<a href=\"tg://user?id=1\">me</a> <a href=\"mailto:a@b.org\">mail</a> "
                        + "<a href=\"https://auto.link\">https://auto.link</a>");
    }

    @Test
    void javascriptAndOtherSchemesBecomePlainText() {
        assertThat(one("[click](javascript:alert(1)) [data](data:text/html,x) [rel](/path) [JS](JavaScript:x)"))
                .isEqualTo("click data rel JS");
        assertThat(one("![pic](javascript:alert(1))")).isEqualTo("pic");
    }

    @Test
    void codeInsideALinkStaysPlainLinkText() {
        assertThat(one("[`run()` now](https://example.com)")).isEqualTo("<a href=\"https://example.com\">run() now</a>");
    }

    @Test
    void emptyElementsAreLeftOut() {
        assertThat(one("#\n\ntext")).isEqualTo("text");
        assertThat(one("[](https://example.com)"))
                .isEqualTo("<a href=\"https://example.com\">https://example.com</a>");
    }

    // --- escaping -----------------------------------------------------------------------------------------------

    @Test
    void textIsEscaped() {
        assertThat(one("a & b < c > d \"q\" &amp;")).isEqualTo("a &amp; b &lt; c &gt; d \"q\" &amp;");
    }

    @Test
    void hrefIsEscapedIncludingQuotes() {
        assertThat(one("[x](https://e.com/a\"b&c<d>)"))
                .isEqualTo("<a href=\"https://e.com/a&quot;b&amp;c&lt;d&gt;\">x</a>");
    }

    @Test
    void rawHtmlIsEscapedText() {
        assertThat(one("<script>alert(1)</script>")).isEqualTo("&lt;script&gt;alert(1)&lt;/script&gt;");
        assertThat(one("a <b onclick=\"x\">b</b> <a href=\"javascript:x\">c</a>"))
                .isEqualTo("a &lt;b onclick=\"x\"&gt;b&lt;/b&gt; &lt;a href=\"javascript:x\"&gt;c&lt;/a&gt;");
    }

    @Test
    void nothingVisibleGivesNoMessage() {
        assertThat(format.render("")).isEmpty();
        assertThat(format.render(null)).isEmpty();
        assertThat(format.render("  \n\n  ")).isEmpty();
        assertThat(format.render("[ref]: https://example.com")).isEmpty();
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
            String visible = Html.visibleText(chunk);
            assertThat(visible.length()).isLessThanOrEqualTo(4096);
            // Every chunk holds whole paragraphs only.
            seen.addAll(List.of(visible.split("\n\n")));
        }
        assertThat(seen).isEqualTo(paragraphs);
    }

    @Test
    void longCodeBlockIsClosedAndReopenedWithItsLanguage() {
        List<String> lines = IntStream.range(0, 600).mapToObj(i -> "print(" + i + " < 10 & True)").toList();
        String markdown = "Before\n\n```python\n" + String.join("\n", lines) + "\n```\n\nAfter";

        List<String> chunks = format.render(markdown);

        assertThat(chunks).hasSizeGreaterThan(2);
        List<String> codeLines = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            String chunk = chunks.get(i);
            assertThat(Html.visibleText(chunk).length()).isLessThanOrEqualTo(4096);
            String body = chunk;
            if (i == 0) {
                assertThat(chunk).startsWith("Before\n\n");
                body = chunk.substring("Before\n\n".length());
            }
            if (i == chunks.size() - 1) {
                assertThat(chunk).endsWith("\n\nAfter");
                body = body.substring(0, body.length() - "\n\nAfter".length());
            }
            assertThat(body).startsWith("<pre><code class=\"language-python\">").endsWith("</code></pre>");
            String code = Html.visibleText(body);
            codeLines.addAll(List.of(code.split("\n")));
        }
        assertThat(codeLines).isEqualTo(lines);
    }

    @Test
    void boldAndLinksSpanningACutAreReopenedWithTheSameAttributes() {
        String words = "word ".repeat(1500).strip();
        List<String> chunks = format.render("**" + words + "** [" + words + "](https://example.com/?a=1&b=2)");

        assertThat(chunks).hasSizeGreaterThan(2);
        for (String chunk : chunks) {
            assertThat(Html.visibleText(chunk).length()).isLessThanOrEqualTo(4096);
        }
        assertThat(chunks.get(0)).startsWith("<b>word word").endsWith("word</b>");
        assertThat(chunks.getLast()).startsWith("<a href=\"https://example.com/?a=1&amp;b=2\">word")
                .endsWith("word</a>");
    }

    @Test
    void emojiCountAsTwoUnitsAndAreNeverSplit() {
        String emoji = "😀";
        assertThat(format.render(emoji.repeat(2048))).hasSize(1);
        List<String> two = format.render(emoji.repeat(2049));
        assertThat(two).extracting(Html::visibleText).containsExactly(emoji.repeat(2048), emoji);

        // Shifted by one unit, a cut at 4096 would fall inside a pair: it moves back by one instead.
        String shifted = "a" + emoji.repeat(3000);
        List<String> chunks = format.render(shifted);
        StringBuilder joined = new StringBuilder();
        for (String chunk : chunks) {
            String visible = Html.visibleText(chunk);
            assertThat(visible.length()).isLessThanOrEqualTo(4096);
            assertThat(Character.isLowSurrogate(visible.charAt(0))).isFalse();
            assertThat(Character.isHighSurrogate(visible.charAt(visible.length() - 1))).isFalse();
            joined.append(visible);
        }
        assertThat(chunks.getFirst()).hasSize(4095);
        assertThat(joined.toString()).isEqualTo(shifted);
    }

    @Test
    void entitiesCountAsOneCharacter() {
        assertThat(format.render("&".repeat(4096))).containsExactly("&amp;".repeat(4096));
        assertThat(format.render("<".repeat(4097))).extracting(Html::visibleText)
                .containsExactly("<".repeat(4096), "<");
    }

    @Test
    void cutPreferenceIsParagraphThenLineThenWordThenHard() {
        TelegramFormat small = new TelegramFormat(20);
        assertThat(small.render("aaaa bbbb\ncccc\n\ndddd eeee")).containsExactly("aaaa bbbb\ncccc", "dddd eeee");
        assertThat(small.render("aaaa bbbb cc\ndddd eeee ffff")).containsExactly("aaaa bbbb cc", "dddd eeee ffff");
        assertThat(small.render("aaaa bbbb cccc dddd eeee")).containsExactly("aaaa bbbb cccc dddd", "eeee");
        assertThat(small.render("x".repeat(45))).containsExactly("x".repeat(20), "x".repeat(20), "x".repeat(5));
        // A break in the first half is used only when nothing fits in the second half.
        assertThat(small.render("ab\n\ncdefghijklmnop qrstuvwxyz"))
                .containsExactly("ab\n\ncdefghijklmnop", "qrstuvwxyz");
    }

    @Test
    void listItemsSplitOnLinesAndKeepTheirMarkers() {
        TelegramFormat small = new TelegramFormat(30);
        assertThat(small.render("- first item\n- second item\n- third item"))
                .containsExactly("• first item\n• second item", "• third item");
    }

    @Test
    void aLimitBelowTwoIsRejected() {
        assertThatThrownBy(() -> new TelegramFormat(1)).isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    @Test
    void helperRejectsWhatTelegramWouldReject() {
        assertThatThrownBy(() -> Html.visibleText("<b>x")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Html.visibleText("<b><i>x</b></i>")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Html.visibleText("<div>x</div>")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Html.visibleText("a > b")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Html.visibleText("&nbsp;")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Html.visibleText("<a href=\"javascript:x\">x</a>")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Html.visibleText("<code class=\"language-x\">x</code>"))
                .isInstanceOf(AssertionError.class);
        assertThat(Html.visibleText("<pre><code class=\"language-c\">a &lt;&amp;&gt; b</code></pre>"))
                .isEqualTo("a <&> b");
    }

    /**
     * A strict reader of the Telegram HTML subset that {@link TelegramFormat} may produce: it checks that tags are
     * allowed and balanced (a simple stack) and returns the visible text, with the entities unescaped, which is what
     * Telegram counts against its limit.
     */
    static final class Html {

        private static final Set<String> PLAIN_TAGS = Set.of("b", "i", "s", "u", "code", "pre", "blockquote");
        private static final Pattern ANCHOR = Pattern.compile("a href=\"([^\"<>]*)\"");
        private static final Pattern CODE_CLASS = Pattern.compile("code class=\"language-[A-Za-z0-9+#._-]+\"");
        private static final Set<String> SCHEMES = Set.of("http", "https", "tg", "mailto");

        private Html() {
        }

        static String visibleText(String html) {
            StringBuilder text = new StringBuilder();
            Deque<String> open = new ArrayDeque<>();
            int i = 0;
            while (i < html.length()) {
                char c = html.charAt(i);
                if (c == '<') {
                    int end = html.indexOf('>', i);
                    check(end > 0, "unterminated tag at " + i, html);
                    String tag = html.substring(i + 1, end);
                    if (tag.startsWith("/")) {
                        String name = tag.substring(1);
                        check(name.equals(open.peek()), "</" + name + "> closes " + open.peek(), html);
                        open.pop();
                    } else {
                        open.push(openTagName(tag, open, html));
                    }
                    i = end + 1;
                } else if (c == '&') {
                    int end = html.indexOf(';', i);
                    check(end > 0, "unterminated entity at " + i, html);
                    text.append(entity(html.substring(i, end + 1), html));
                    i = end + 1;
                } else {
                    check(c != '>', "raw > at " + i, html);
                    text.append(c);
                    i++;
                }
            }
            check(open.isEmpty(), "unclosed " + open, html);
            return text.toString();
        }

        private static String openTagName(String tag, Deque<String> open, String html) {
            String parent = open.peek();
            boolean languageOfPre = "pre".equals(parent) && tag.startsWith("code ");
            check(!open.contains("code") && (!open.contains("pre") || languageOfPre),
                    "<" + tag + "> inside code", html);
            Matcher anchor = ANCHOR.matcher(tag);
            if (anchor.matches()) {
                check(!open.contains("a"), "nested link", html);
                String href = unescape(anchor.group(1), html);
                int colon = href.indexOf(':');
                check(colon > 0 && SCHEMES.contains(href.substring(0, colon).toLowerCase(Locale.ROOT)),
                        "link scheme of " + href, html);
                return "a";
            }
            if (CODE_CLASS.matcher(tag).matches()) {
                check(languageOfPre, "language class outside pre", html);
                return "code";
            }
            check(PLAIN_TAGS.contains(tag), "tag <" + tag + ">", html);
            check(!tag.equals("blockquote") || !open.contains("blockquote"), "nested blockquote", html);
            return tag;
        }

        private static String unescape(String value, String html) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < value.length(); i++) {
                if (value.charAt(i) == '&') {
                    int end = value.indexOf(';', i);
                    check(end > 0, "unterminated entity in attribute", html);
                    out.append(entity(value.substring(i, end + 1), html));
                    i = end;
                } else {
                    out.append(value.charAt(i));
                }
            }
            return out.toString();
        }

        private static char entity(String entity, String html) {
            return switch (entity) {
                case "&lt;" -> '<';
                case "&gt;" -> '>';
                case "&amp;" -> '&';
                case "&quot;" -> '"';
                default -> throw new AssertionError("entity " + entity + " in: " + html);
            };
        }

        private static void check(boolean condition, String problem, String html) {
            if (!condition) {
                String shown = html.length() > 300 ? html.substring(0, 300) + "…" : html;
                throw new AssertionError(problem + " in: " + shown);
            }
        }

        /** Joins visible texts for messages in assertions. */
        static String describe(List<String> chunks) {
            return chunks.stream().map(Html::visibleText).collect(Collectors.joining("\n---cut---\n"));
        }
    }
}
