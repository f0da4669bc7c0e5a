package dev.parley.hub.registry;

import org.infinispan.protostream.annotations.Proto;

/** One change an admin made: who, when, what, to which bot. Never the value of a secret. */
@Proto
public record AuditEntry(long atMillis, String actor, String action, String botId, String detail) {
}
