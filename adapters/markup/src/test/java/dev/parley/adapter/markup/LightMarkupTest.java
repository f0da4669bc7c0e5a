package dev.parley.adapter.markup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The engine with made-up dialects, so that every string it writes is seen to come from the dialect. Slack's and
 * WhatsApp's own renderings are tested in their adapters.
 */
class LightMarkupTest {

    /** A dialect unlike either platform's: its own bullet, rule, bold marker, one escape and a link syntax. */
    private record Bracketed(int maxLength) implements MarkupDialect {

        @Override
        public String bullet() {
            return "+ ";
        }

        @Override
        public String rule() {
            return "~~~";
        }

        @Override
        public String bold() {
            return "**";
        }

        @Override
        public Map<Character, String> escapes() {
            return Map.of('&', "&amp;");
        }

        @Override
        public Optional<Delimiters> link(String href) {
            return Optional.of(new Delimiters("[" + href + " ", "]"));
        }
    }

    /** The defaults alone: no escapes, no link syntax. */
    private record Bare(int maxLength) implements MarkupDialect {

        @Override
        public String bullet() {
            return "- ";
        }

        @Override
        public String rule() {
            return "---";
        }
    }

    private final LightMarkup bracketed = new LightMarkup(new Bracketed(1000));
    private final LightMarkup bare = new LightMarkup(new Bare(1000));

    @Test
    void everyMarkerBulletRuleAndEscapeComesFromTheDialect() {
        assertThat(bracketed.render("# Hi\n\n**a** _b_ ~~c~~ `d` & e\n\n- x\n\n---\n\n```\nf & g\n```"))
                .containsExactly("**Hi**\n\n**a** _b_ ~c~ `d` &amp; e\n\n+ x\n\n~~~\n\n```\nf &amp; g\n```");
    }

    @Test
    void linksUseTheDialectsMarkupOrElseShowTheUrlAfterTheirText() {
        String markdown = "[docs](https://example.com) <https://example.com> <a@b.org> [](https://example.com)";

        assertThat(bracketed.render(markdown)).containsExactly("[https://example.com docs] "
                + "[https://example.com https://example.com] [mailto:a@b.org a@b.org] "
                + "[https://example.com https://example.com]");
        assertThat(bare.render(markdown))
                .containsExactly("docs (https://example.com) https://example.com a@b.org https://example.com");
    }

    @Test
    void linkMarkupTooLongToReopenInEveryMessageGivesWayToThePlainForm() {
        String url = "https://example.com/" + "a".repeat(300);

        assertThat(bracketed.render("[docs](" + url + ") <" + url + ">")).containsExactly("docs (" + url + ") " + url);
    }

    @Test
    void onlyHttpHttpsAndMailtoAreShownAsUrls() {
        assertThat(bracketed.render("[a](javascript:alert(1)) [b](data:text/html,x) [c](/relative) ![d](ftp://x)"))
                .containsExactly("a b c d");
    }

    @Test
    void anEscapeIsNeverCutInHalf() {
        LightMarkup small = new LightMarkup(new Bracketed(64));

        List<String> messages = small.render("&".repeat(40));

        assertThat(messages).hasSizeGreaterThan(1).allSatisfy(message -> {
            assertThat(message.length()).isLessThanOrEqualTo(64);
            assertThat(message).matches("(&amp;)+");
        });
        assertThat(String.join("", messages)).isEqualTo("&amp;".repeat(40));
    }

    @Test
    void quoteMarkerCharactersInTheTextAreTextAfterACut() {
        LightMarkup small = new LightMarkup(new Bare(64));

        assertThat(small.render("a".repeat(40) + "\n\n" + "\\>".repeat(30)))
                .containsExactly("a".repeat(40), ">".repeat(30));
    }

    @Test
    void aSpaceAfterAListMarkerIsNoPlaceToCutButOneAfterTextIs() {
        LightMarkup small = new LightMarkup(new Bare(64));
        String word = "b".repeat(70);

        assertThat(small.render("- " + word)).containsExactly("- " + "b".repeat(62), "b".repeat(8));
        assertThat(small.render("2024 " + word)).containsExactly("2024", "b".repeat(64), "b".repeat(6));
    }

    @Test
    void stylesOpenAtACutAreClosedAndReopened() {
        LightMarkup small = new LightMarkup(new Bracketed(64));
        String words = "word ".repeat(30).strip();

        List<String> messages = small.render("**" + words + "**");

        assertThat(messages).hasSizeGreaterThan(2).allSatisfy(message -> {
            assertThat(message.length()).isLessThanOrEqualTo(64);
            assertThat(message).startsWith("**word").endsWith("word**");
        });
    }

    @Test
    void unsplitIsTheWholeRenderingInOneText() {
        String markdown = "**" + "word ".repeat(300).strip() + "**";

        assertThat(bracketed.unsplit(markdown)).isEqualTo("**" + "word ".repeat(300).strip() + "**");
        assertThat(bracketed.render(markdown)).hasSizeGreaterThan(1);
    }

    @Test
    void nothingVisibleGivesNoMessage() {
        assertThat(bare.render(null)).isEmpty();
        assertThat(bare.render(" \n\n ")).isEmpty();
        assertThat(bare.render(">")).isEmpty();
    }

    @Test
    void aLimitBelowTheMinimumIsRejected() {
        assertThatThrownBy(() -> new LightMarkup(new Bare(LightMarkup.MIN_MESSAGE_LENGTH - 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxLength must be at least 64, was 63");
    }
}
