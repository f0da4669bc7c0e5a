package dev.parley.contract;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Objects;

/**
 * A placeholder for media a user sent: its type and size, and the platform's file id so the bytes can be
 * fetched later through the platform's API (never from an arbitrary URL).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Attachment(String type, String platformFileId, String mimeType, Long sizeBytes, String fileName) {
    public Attachment {
        Objects.requireNonNull(type, "attachment type");
    }
}
