package dev.parley.hub.registry;

import org.infinispan.protostream.annotations.Proto;

/** A bot credential as stored: sealed by the {@link CredentialVault}, with a keyed fingerprint for admins. */
@Proto
public record StoredCredential(String name, String keyId, byte[] nonce, byte[] ciphertext, String fingerprint,
                               long updatedAtMillis) {

    public CredentialVault.Sealed sealed() {
        return new CredentialVault.Sealed(keyId, nonce, ciphertext);
    }
}
