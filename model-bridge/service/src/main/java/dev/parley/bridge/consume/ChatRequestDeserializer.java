package dev.parley.bridge.consume;

import dev.parley.contract.ChatRequest;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/** Reads {@code parley.requests} records with Quarkus's ObjectMapper. */
public class ChatRequestDeserializer extends ObjectMapperDeserializer<ChatRequest> {
    public ChatRequestDeserializer() {
        super(ChatRequest.class);
    }
}
