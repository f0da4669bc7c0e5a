package dev.parley.adapter.webchat;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WebChatFormatTest {

    private final WebChatFormat format = new WebChatFormat();

    @Test
    void rendersEmphasisCodeAndStrikethrough() {
        String html = format.toHtml("**bold** _it_ ~~gone~~ `x<y`\n\n```java\nint a = 1;\n```");

        assertThat(html).contains("<strong>bold</strong>", "<em>it</em>", "<del>gone</del>", "<code>x&lt;y</code>",
                "<pre><code class=\"language-java\">int a = 1;\n</code></pre>");
    }

    @Test
    void escapesRawHtmlFromTheModel() {
        String html = format.toHtml("hi <script>alert(1)</script> <img src=x onerror=alert(1)>");

        assertThat(html).doesNotContain("<script>", "<img").contains("&lt;script&gt;");
    }

    @Test
    void dropsJavascriptLinksButKeepsHttpLinks() {
        String html = format.toHtml("[bad](javascript:alert(1)) [good](https://example.org/a?b=1&c=2)");

        assertThat(html).doesNotContain("javascript:").contains("href=\"https://example.org/a?b=1&amp;c=2\"");
    }
}
