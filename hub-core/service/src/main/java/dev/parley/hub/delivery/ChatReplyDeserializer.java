package dev.parley.hub.delivery;

import dev.parley.contract.ChatReply;
import io.quarkus.kafka.client.serialization.ObjectMapperDeserializer;

/** Reads {@code parley.replies} records with Quarkus's ObjectMapper. */
public class ChatReplyDeserializer extends ObjectMapperDeserializer<ChatReply> {
    public ChatReplyDeserializer() {
        super(ChatReply.class);
    }
}
