package dev.parley.contract.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The raw bytes of one inbound request exactly as received (signatures are computed over them), with its headers
 * and query parameters.
 *
 * @param authenticatedSenderId the sender when the hub authenticated the connection itself (a web chat visitor
 *                              token), {@code null} when the adapter must verify the payload (webhooks)
 */
public record InboundPayload(Map<String, List<String>> headers, Map<String, List<String>> query, byte[] body,
                             String authenticatedSenderId) {
    public InboundPayload {
        headers = headers == null ? Map.of() : headers;
        query = query == null ? Map.of() : query;
        Objects.requireNonNull(body, "body");
    }

    public static InboundPayload ofAuthenticatedFrame(String senderId, byte[] frame) {
        return new InboundPayload(Map.of(), Map.of(), frame, Objects.requireNonNull(senderId, "sender id"));
    }

    /** The first value of a header, matched case-insensitively as HTTP requires, or {@code null}. */
    public String header(String name) {
        for (Map.Entry<String, List<String>> e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
                return e.getValue().get(0);
            }
        }
        return null;
    }
}
