package dev.parley.adapter.whatsapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.adapter.whatsapp.WhatsAppFormatTest.Formatting;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Whatever the Markdown, every message must read correctly alone (fences and style markers in pairs), fit the limit
 * with its markers, and together the messages must show exactly what the unsplit rendering shows. Documents are
 * generated from fixed seeds, so a failure is reproducible: the assertion names the seed.
 */
class WhatsAppFormatPropertyTest {

    @Test
    void messagesFitWhatsAppsLimitAndLoseNothing() {
        int split = 0;
        for (long seed = 1; seed <= 300; seed++) {
            String markdown = new Generator(new Random(seed)).markdown();
            int messages = checkMessages(new WhatsAppFormat(), WhatsAppFormat.MAX_MESSAGE_LENGTH, markdown, seed);
            split += messages > 1 ? 1 : 0;
        }
        // Without enough long documents this test would not test splitting at all.
        assertThat(split).as("documents that were split").isGreaterThanOrEqualTo(30);
    }

    /** Small limits make the same documents cut many times, inside every kind of element. */
    @Test
    void messagesFitSmallLimitsAndLoseNothing() {
        for (long seed = 1; seed <= 1000; seed++) {
            Random random = new Random(seed);
            int limit = WhatsAppFormat.MIN_MESSAGE_LENGTH + random.nextInt(300);
            checkMessages(new WhatsAppFormat(limit), limit, new Generator(random).markdown(), seed);
        }
    }

    /** Checks the messages and returns how many there were. */
    private static int checkMessages(WhatsAppFormat format, int limit, String markdown, long seed) {
        List<String> messages = format.render(markdown);
        String unsplit = format.unsplit(markdown);
        Formatting.check(unsplit);

        StringBuilder seen = new StringBuilder();
        for (String message : messages) {
            assertThat(message.length()).as("seed %d: message length", seed).isLessThanOrEqualTo(limit);
            assertThat(message).as("seed %d", seed).isNotBlank();
            assertThat(Character.isLowSurrogate(message.charAt(0))).as("starts inside a surrogate pair").isFalse();
            assertThat(Character.isHighSurrogate(message.charAt(message.length() - 1)))
                    .as("ends inside a surrogate pair").isFalse();
            try {
                Formatting.check(message);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
            }
            seen.append(withoutWhitespace(Formatting.visibleText(message)));
        }
        // Only whitespace may be lost, and only where a cut was made; nothing may be shown twice. The > are not
        // compared: a quote line left empty at a cut goes with its marker (WhatsAppFormatTest keeps a literal >).
        assertThat(seen.toString()).as("seed %d: what the messages show", seed)
                .isEqualTo(withoutWhitespace(Formatting.visibleText(unsplit)));
        return messages.size();
    }

    private static String withoutWhitespace(String text) {
        return text.replaceAll("\\s+", "");
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
            int pick = random.nextInt(14);
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
                case 12 -> "> " + codeBlock().replace("\n", "\n> ");
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
            int pick = random.nextInt(28);
            if (pick < 12) {
                return word();
            }
            return switch (pick) {
                case 12 -> longWord();
                case 13, 14 -> "**" + join(1, 6, this::word, " ") + "**";
                case 15, 16 -> "*" + word() + "*";
                case 17 -> "~~" + word() + "~~";
                case 18, 19 -> "`" + codeText(40).replace('`', '\'').strip() + "x`";
                // Never <script> first on a line: that opens an HTML block, whose Markdown stays literal text, and
                // WhatsApp has no escape for a literal star.
                case 20, 21 -> oneOf("😀", "👍🏽", "a😀b", "<&>", "a<b", "x&y", "&amp;", "\"q\"", "<b>raw</b>",
                        "x <script>x</script>", "a > b");
                case 22 -> "[" + join(1, 40, this::word, " ") + "](https://example.com/?a=1&b=\"2\")";
                case 23 -> "[" + word() + "](javascript:alert(1))";
                case 24 -> {
                    String w = word();
                    yield "![" + w + "](https://example.com/" + w + ".png)";
                }
                case 25 -> "**" + word() + " [" + word() + "](https://example.org/"
                        + longWord().replaceAll("[^a-z]", "") + ") " + word() + "**";
                default -> {
                    // Letters only: next to punctuation or emoji CommonMark may leave the stars as text, and WhatsApp
                    // has no escape for a literal star, so a message could not be checked for paired markers.
                    String w = longWord().replaceAll("[^a-z]", "");
                    yield "**" + w + "x** *" + w + "x*";
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

        /** Words without spaces, long enough to need hard cuts, with emoji and the characters Slack would escape. */
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
