package dev.parley.adapter.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class WhatsAppFormatTest {

    private final WhatsAppFormat format = new WhatsAppFormat();

    private String one(String markdown) {
        List<String> messages = format.render(markdown);
        assertThat(messages).hasSize(1);
        Formatting.check(messages.getFirst());
        return messages.getFirst();
    }

    // --- formatting ---------------------------------------------------------------------------------------------

    @Test
    void inlineStyles() {
        assertThat(one("**bold** *italic* __strong__ _em_ ~~gone~~ `x < y`"))
                .isEqualTo("*bold* _italic_ *strong* _em_ ~gone~ `x < y`");
    }

    @Test
    void aStyleInsideItselfIsWrittenOnceAndOtherStylesNest() {
        assertThat(one("**bold *it* and **more** bold**")).isEqualTo("*bold _it_ and more bold*");
        assertThat(one("***both***")).isEqualTo("_*both*_");
    }

    @Test
    void headingBecomesABoldLine() {
        assertThat(one("# Title\n\nText\n\n## Sub *part*")).isEqualTo("*Title*\n\nText\n\n*Sub _part_*");
    }

    @Test
    void codeBlocksAreFencedWithoutTheirLanguageAndKeepTheirText() {
        assertThat(one("```java\nif (a < b && c > d) {}\n  *not bold*\n```"))
                .isEqualTo("```\nif (a < b && c > d) {}\n  *not bold*\n```");
        assertThat(one("    indented code")).isEqualTo("```\nindented code\n```");
    }

    @Test
    void blockQuotesMarkEveryLine() {
        assertThat(one("> quoted **text**\n> second line\n\nafter"))
                .isEqualTo("> quoted *text*\n> second line\n\nafter");
        assertThat(one("> look:\n>\n> ```\n> a\n> b\n> ```")).isEqualTo("> look:\n\n> ```\n> a\n> b\n> ```");
    }

    @Test
    void listsUseWhatsAppsDashAndNumbers() {
        assertThat(one("Intro\n\n- a\n- b\n  - c\n\n* d\n\n3. x\n4. y"))
                .isEqualTo("Intro\n\n- a\n- b\n  - c\n\n- d\n\n3. x\n4. y");
    }

    @Test
    void thematicBreakBecomesALine() {
        assertThat(one("a\n\n---\n\nb")).isEqualTo("a\n\n———\n\nb");
    }

    @Test
    void linksAreTheirTextFollowedByTheUrl() {
        assertThat(one("[site](https://example.com/a?b=1&c=2) [mail](mailto:a@b.org) [**bold** docs](http://x.org)"))
                .isEqualTo("site (https://example.com/a?b=1&c=2) mail (mailto:a@b.org) *bold* docs (http://x.org)");
    }

    @Test
    void aLinkWhoseTextIsItsUrlIsTheUrlAlone() {
        assertThat(one("<https://auto.link> <a@b.org> [https://x.org](https://x.org) [](https://empty.org)"))
                .isEqualTo("https://auto.link a@b.org https://x.org https://empty.org");
    }

    @Test
    void imagesAreTheirAltTextFollowedByTheUrl() {
        assertThat(one("![a *cat*](https://example.com/cat.png)")).isEqualTo("a cat (https://example.com/cat.png)");
        assertThat(one("![](https://example.com/cat.png)")).isEqualTo("https://example.com/cat.png");
    }

    @Test
    void javascriptAndOtherSchemesAreNotShownAsUrls() {
        assertThat(one("[click](javascript:alert(1)) [data](data:text/html,x) [rel](/path) [app](whatsapp://send)"))
                .isEqualTo("click data rel app");
        assertThat(one("![pic](javascript:alert(1))")).isEqualTo("pic");
    }

    // --- no escaping --------------------------------------------------------------------------------------------

    @Test
    void angleBracketsAndAmpersandsAreShownAsWritten() {
        assertThat(one("a & b < c > d \"q\" &amp; &lt;")).isEqualTo("a & b < c > d \"q\" & <");
        assertThat(one("<script>alert(1)</script>")).isEqualTo("<script>alert(1)</script>");
        assertThat(one("a <b>b</b>")).isEqualTo("a <b>b</b>");
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
    void longTextSplitsOnParagraphBoundariesWithinTheLimit() {
        List<String> paragraphs = IntStream.range(0, 50)
                .mapToObj(i -> ("Paragraph " + i + " & <" + i + "> " + "lorem ipsum dolor ".repeat(11)).strip())
                .toList();
        String markdown = String.join("\n\n", paragraphs);
        assertThat(markdown.length()).isGreaterThan(10_000);

        List<String> messages = format.render(markdown);

        assertThat(messages).hasSizeGreaterThan(2);
        List<String> seen = new ArrayList<>();
        for (String message : messages) {
            assertThat(message.length()).isLessThanOrEqualTo(WhatsAppFormat.MAX_MESSAGE_LENGTH);
            seen.addAll(List.of(message.split("\n\n")));
        }
        assertThat(seen).isEqualTo(paragraphs);
    }

    @Test
    void aLongCodeBlockIsClosedAndReopenedAcrossMessages() {
        List<String> lines = IntStream.range(0, 600).mapToObj(i -> "print(" + i + " < 10 & True)").toList();
        String markdown = "Before\n\n```python\n" + String.join("\n", lines) + "\n```\n\nAfter";

        List<String> messages = format.render(markdown);

        assertThat(messages).hasSizeGreaterThan(2);
        List<String> codeLines = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            String message = messages.get(i);
            assertThat(message.length()).isLessThanOrEqualTo(WhatsAppFormat.MAX_MESSAGE_LENGTH);
            Formatting.check(message);
            String body = message;
            if (i == 0) {
                assertThat(message).startsWith("Before\n\n");
                body = message.substring("Before\n\n".length());
            }
            if (i == messages.size() - 1) {
                assertThat(message).endsWith("\n\nAfter");
                body = body.substring(0, body.length() - "\n\nAfter".length());
            }
            assertThat(body).startsWith("```\n").endsWith("\n```");
            codeLines.addAll(List.of(body.substring(4, body.length() - 4).split("\n")));
        }
        assertThat(codeLines).isEqualTo(lines);
    }

    @Test
    void aCodeBlockInAQuoteIsReopenedInsideTheQuote() {
        WhatsAppFormat small = new WhatsAppFormat(64);
        String code = IntStream.range(0, 12).mapToObj(i -> "line " + i).collect(Collectors.joining("\n> "));

        List<String> messages = small.render("> ```\n> " + code + "\n> ```");

        assertThat(messages).hasSizeGreaterThan(1);
        for (String message : messages) {
            Formatting.check(message);
            assertThat(message.length()).isLessThanOrEqualTo(64);
            assertThat(message).startsWith("> ```\n> line").endsWith("\n> ```");
        }
    }

    @Test
    void stylesSpanningACutAreReopenedInTheNextMessage() {
        String words = "word ".repeat(1500).strip();

        List<String> messages = format.render("**" + words + "** _" + words + "_");

        assertThat(messages).hasSizeGreaterThan(2);
        for (String message : messages) {
            assertThat(message.length()).isLessThanOrEqualTo(WhatsAppFormat.MAX_MESSAGE_LENGTH);
            Formatting.check(message);
        }
        assertThat(messages.getFirst()).startsWith("*word word").endsWith("word*");
        assertThat(messages.getLast()).startsWith("_word").endsWith("word_");
    }

    @Test
    void markersCountAgainstTheLimit() {
        assertThat(format.render("**" + "x".repeat(4095) + "**")).containsExactly("*" + "x".repeat(4094) + "*", "*x*");
        assertThat(format.render("&".repeat(4096))).containsExactly("&".repeat(4096));
    }

    @Test
    void anAngleBracketAloneAfterACutIsText() {
        WhatsAppFormat small = new WhatsAppFormat(64);

        assertThat(small.render("a".repeat(40) + "\n\n" + "\\>".repeat(30)))
                .containsExactly("a".repeat(40), ">".repeat(30));
    }

    @Test
    void listItemsSplitOnLinesAndKeepTheirMarkers() {
        WhatsAppFormat small = new WhatsAppFormat(64);
        String item = "item " + "z".repeat(20);

        assertThat(small.render("- " + item + "\n- " + item + "\n- " + item))
                .containsExactly("- " + item + "\n- " + item, "- " + item);
    }

    @Test
    void aLimitBelowTheMinimumIsRejected() {
        assertThatThrownBy(() -> new WhatsAppFormat(WhatsAppFormat.MIN_MESSAGE_LENGTH - 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    @Test
    void helperRejectsUnpairedMarkers() {
        assertThatThrownBy(() -> Formatting.check("```\nopen")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Formatting.check("*half bold")).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> Formatting.check("~half")).isInstanceOf(AssertionError.class);
        assertThat(Formatting.visibleText("> *a* _b_ ~c~ `d` & ```\nx < y\n```")).isEqualTo(" a b c d & \nx < y\n");
    }

    /**
     * A reader of the formatting {@link WhatsAppFormat} may produce, for texts without marker characters of their own
     * (WhatsApp has no escapes, so those could not be told from markers): it checks that code fences and style markers
     * come in pairs, and returns the text a reader sees.
     */
    static final class Formatting {

        private Formatting() {
        }

        static void check(String message) {
            check(count(message, "```") % 2 == 0, "unbalanced code fence", message);
            for (String marker : List.of("*", "_", "~", "`")) {
                check(count(message, marker) % 2 == 0, "unbalanced " + marker, message);
            }
        }

        /** Fences and style markers vanish, and so does every {@code >}, quote marker (a reader sees a bar) or not. */
        static String visibleText(String message) {
            return message.replace("```", "").replaceAll("[*_~`>]", "");
        }

        private static int count(String text, String part) {
            int n = 0;
            for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
                n++;
            }
            return n;
        }

        private static void check(boolean condition, String problem, String message) {
            if (!condition) {
                String shown = message.length() > 300 ? message.substring(0, 300) + "…" : message;
                throw new AssertionError(problem + " in: " + shown);
            }
        }
    }
}
