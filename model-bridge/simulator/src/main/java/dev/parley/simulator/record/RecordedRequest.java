package dev.parley.simulator.record;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * A chat-completion request as the replica received it, for tests that check what the bridge sent.
 *
 * @param sessionId the {@code x-session-id} header, the key routers use for session affinity; null if absent
 * @param model     the {@code model} the request named; null if absent
 * @param messages  the {@code messages} array exactly as sent
 */
public record RecordedRequest(Instant receivedAt, String sessionId, String model, boolean stream, JsonNode messages) {
}
