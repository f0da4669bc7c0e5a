package dev.parley.adapter.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.adapter.telegram.TelegramFormatTest.Html;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Whatever the Markdown, every message must parse alone, fit the limit, and together the messages must show exactly
 * what the unsplit rendering shows. Documents are generated from fixed seeds, so a failure is reproducible: the
 * assertion names the seed.
 */
class TelegramFormatPropertyTest {

    private static final TelegramFormat UNSPLIT = new TelegramFormat(Integer.MAX_VALUE);

    @Test
    void chunksFitTelegramsLimitAndLoseNothing() {
        int split = 0;
        for (long seed = 1; seed <= 300; seed++) {
            String markdown = new Generator(new Random(seed)).markdown();
            long s = seed;
            int messages = checkChunks(new TelegramFormat(), TelegramFormat.MAX_MESSAGE_LENGTH, markdown, s);
            split += messages > 1 ? 1 : 0;
        }
        // Without enough long documents this test would not test splitting at all.
        assertThat(split).as("documents that were split").isGreaterThanOrEqualTo(30);
    }

    /** Small limits make the same documents cut many times, inside every kind of element. */
    @Test
    void chunksFitSmallLimitsAndLoseNothing() {
        for (long seed = 1; seed <= 1000; seed++) {
            Random random = new Random(seed);
            int limit = 2 + random.nextInt(299);
            checkChunks(new TelegramFormat(limit), limit, new Generator(random).markdown(), seed);
        }
    }

    /** Checks the messages and returns how many there were. */
    private static int checkChunks(TelegramFormat format, int limit, String markdown, long seed) {
        List<String> chunks = format.render(markdown);
        List<String> whole = UNSPLIT.render(markdown);
        assertThat(whole).hasSizeLessThanOrEqualTo(1);
        String unsplit = whole.isEmpty() ? "" : Html.visibleText(whole.getFirst());

        int position = 0;
        for (String chunk : chunks) {
            String visible = Html.visibleText(chunk);
            assertThat(visible.length()).as("seed " + seed + ": visible UTF-16 units").isLessThanOrEqualTo(limit);
            assertThat(visible).isNotBlank();
            assertThat(Character.isLowSurrogate(visible.charAt(0))).as("starts inside a surrogate pair").isFalse();
            assertThat(Character.isHighSurrogate(visible.charAt(visible.length() - 1)))
                    .as("ends inside a surrogate pair").isFalse();
            // Only whitespace may be lost, and only where a cut was made.
            position = skipWhitespace(unsplit, position);
            String content = visible.stripLeading();
            int at = position;
            assertThat(unsplit.startsWith(content, position))
                    .as(() -> "seed " + seed + ": chunk continues the unsplit text at " + at + ":\n" + Html.describe(chunks))
                    .isTrue();
            position += content.length();
        }
        assertThat(unsplit.substring(position)).isBlank();
        return chunks.size();
    }

    private static int skipWhitespace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    // --- generators ---------------------------------------------------------------------------------------------

    /** Random Markdown: paragraphs, emphasis, code, lists, quotes, headings, long words, emoji, raw HTML, links. */
    private static final class Generator {
        private final Random random;

        Generator(Random random) {
            this.random = random;
        }

        String markdown() {
            return join(1, 25, this::block, "\n\n");
        }

        private String block() {
            int pick = random.nextInt(13);
            if (pick < 6) {
                return paragraph();
            }
            if (pick < 8) {
                return codeBlock();
            }
            if (pick < 10) {
                return list();
            }
            return switch (pick) {
                case 10 -> "> " + line();
                case 11 -> "## " + line();
                default -> "---";
            };
        }

        private String paragraph() {
            return join(1, 4, this::line, "\n");
        }

        private String line() {
            return join(1, 12, this::inline, " ");
        }

        private String inline() {
            int pick = random.nextInt(27);
            if (pick < 12) {
                return word();
            }
            return switch (pick) {
                case 12 -> longWord();
                case 13, 14 -> "**" + join(1, 6, this::word, " ") + "**";
                case 15, 16 -> "*" + word() + "*";
                case 17 -> "~~" + word() + "~~";
                case 18, 19 -> "`" + codeText(40).replace('`', '\'').strip() + "x`";
                case 20, 21 -> oneOf("😀", "👍🏽", "a😀b", "<&>", "a<b", "x&y", "&amp;", "\"q\"", "<b>raw</b>",
                        "<script>x</script>");
                case 22 -> "[" + word() + "](https://example.com/?a=1&b=\"2\")";
                case 23 -> "[" + word() + "](javascript:alert(1))";
                case 24 -> {
                    String w = word();
                    yield "![" + w + "](https://example.com/" + w + ".png)";
                }
                default -> {
                    String w = longWord();
                    yield "**" + w + "** *" + w + "*";
                }
            };
        }

        private String word() {
            StringBuilder word = new StringBuilder();
            for (int i = 1 + random.nextInt(10); i > 0; i--) {
                word.append((char) ('a' + random.nextInt(26)));
            }
            return word.toString();
        }

        /** Words without spaces, long enough to need hard cuts, with emoji and characters that must be escaped. */
        private String longWord() {
            return join(20, 2500, () -> oneOf("ab", "xyz", "😀", "&", "<", ">", "e"), "");
        }

        private String codeText(int maxLength) {
            String alphabet = "abcdefghijklmnopqrstuvwxyz <>&\"();";
            StringBuilder code = new StringBuilder();
            for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
                code.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return code.toString();
        }

        private String codeBlock() {
            String language = oneOf("", "java", "python", "c++", "x\"y");
            String code = join(1, 150, () -> {
                int pick = random.nextInt(23);
                return pick < 20 ? codeText(80) : pick < 22 ? oneOf("  😀 emoji", "\t<tab>", "") : codeText(5000);
            }, "\n");
            return "```" + language + "\n" + code + "\n```";
        }

        private String list() {
            if (random.nextBoolean()) {
                return "- first\n" + join(1, 10, () -> (random.nextInt(5) < 4 ? "- " : "  - ") + line(), "\n");
            }
            return join(1, 10, () -> "1. " + line(), "\n");
        }

        private String join(int min, int max, Supplier<String> piece, String separator) {
            List<String> pieces = new ArrayList<>();
            for (int i = min + random.nextInt(max - min + 1); i > 0; i--) {
                pieces.add(piece.get());
            }
            return String.join(separator, pieces);
        }

        private String oneOf(String... choices) {
            return choices[random.nextInt(choices.length)];
        }
    }
}
