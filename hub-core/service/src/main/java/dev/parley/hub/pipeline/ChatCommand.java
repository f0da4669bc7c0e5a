package dev.parley.hub.pipeline;

import java.util.Locale;
import java.util.Optional;

/**
 * The commands the hub answers itself, on every platform, without a model call: {@code /help}, {@code /reset},
 * {@code /link [CODE]}, {@code /unlink}. Telegram's {@code /command@botname} form is accepted.
 */
public record ChatCommand(Kind kind, String argument) {

    public enum Kind { HELP, RESET, LINK, UNLINK }

    public static Optional<ChatCommand> parse(String text) {
        String trimmed = text == null ? "" : text.strip();
        if (!trimmed.startsWith("/")) {
            return Optional.empty();
        }
        String[] words = trimmed.substring(1).split("\\s+", 2);
        String name = words[0].contains("@") ? words[0].substring(0, words[0].indexOf('@')) : words[0];
        String argument = words.length > 1 ? words[1].strip() : "";
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "help", "start" -> Optional.of(new ChatCommand(Kind.HELP, argument));
            case "reset" -> Optional.of(new ChatCommand(Kind.RESET, argument));
            case "link" -> Optional.of(new ChatCommand(Kind.LINK, argument));
            case "unlink" -> Optional.of(new ChatCommand(Kind.UNLINK, argument));
            default -> Optional.empty(); // an unknown "/..." is a question for the model
        };
    }
}
