package dev.parley.hub.registry;

import org.infinispan.protostream.GeneratedSchema;
import org.infinispan.protostream.annotations.ProtoSchema;

/** The ProtoStream schema of the registry caches; Quarkus registers it with the Infinispan server at start. */
@ProtoSchema(includeClasses = {BotRecord.class, StoredCredential.class, BotPolicy.class, AuditEntry.class},
        schemaPackageName = "parley.registry")
public interface RegistrySchema extends GeneratedSchema {
}
