package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a {@link ChatReply} carries: the whole answer, a streamed piece of it, a typing hint, or a failure. */
public enum ReplyKind {
    FINAL, CHUNK, TYPING, ERROR;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static ReplyKind fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
