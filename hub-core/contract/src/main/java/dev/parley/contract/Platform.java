package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** A messaging platform Parley speaks to; its wire name is the lower-case id used in URLs, keys and records. */
public enum Platform {
    TELEGRAM, SLACK, WHATSAPP, WEBCHAT, DISCORD;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Platform fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
