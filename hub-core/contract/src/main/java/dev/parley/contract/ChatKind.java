package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Whether a chat is one person talking to the bot, a group, or a broadcast channel; policies differ per kind. */
public enum ChatKind {
    DIRECT, GROUP, CHANNEL;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ChatKind fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
