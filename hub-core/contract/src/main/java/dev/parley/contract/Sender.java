package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/** Who wrote a message, as the platform names them; {@code bot} lets the pipeline ignore other bots. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Sender(String platformUserId, String displayName, boolean bot) {
    public Sender {
        Objects.requireNonNull(platformUserId, "platform user id");
    }
}
