package dev.parley.bridge.session;

import org.infinispan.protostream.GeneratedSchema;
import org.infinispan.protostream.annotations.ProtoSchema;

/** The ProtoStream schema of the session cache; Quarkus registers it with the Infinispan server at start. */
@ProtoSchema(includeClasses = {ConversationSession.class, Turn.class}, schemaPackageName = "parley.session")
public interface SessionSchema extends GeneratedSchema {
}
