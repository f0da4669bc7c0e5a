package dev.parley.hub.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CredentialVaultTest {

    private static String key(int fill) {
        byte[] k = new byte[32];
        java.util.Arrays.fill(k, (byte) fill);
        return Base64.getEncoder().encodeToString(k);
    }

    private final CredentialVault vault = new CredentialVault(key(1));

    @Test
    void aSealedCredentialOpensAndDoesNotContainThePlaintext() {
        CredentialVault.Sealed sealed = vault.seal("support", "botToken", "123:SECRET-token");

        assertThat(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1)).doesNotContain("SECRET");
        assertThat(sealed.keyId()).isEqualTo(vault.currentKeyId());
        assertThat(vault.open("support", "botToken", sealed)).isEqualTo("123:SECRET-token");
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() {
        assertThat(vault.seal("b", "n", "same").ciphertext()).isNotEqualTo(vault.seal("b", "n", "same").ciphertext());
    }

    @Test
    void aCiphertextMovedToAnotherBotOrFieldDoesNotOpen() {
        CredentialVault.Sealed sealed = vault.seal("support", "botToken", "s");

        assertThatThrownBy(() -> vault.open("other", "botToken", sealed)).hasMessageContaining("does not open");
        assertThatThrownBy(() -> vault.open("support", "webhookSecret", sealed)).hasMessageContaining("does not open");
    }

    @Test
    void afterRotationOldEntriesStillOpenAndNewOnesUseTheNewKey() {
        CredentialVault.Sealed old = vault.seal("support", "botToken", "old-secret");
        CredentialVault rotated = new CredentialVault(key(2) + "," + key(1));

        assertThat(rotated.currentKeyId()).isNotEqualTo(vault.currentKeyId());
        assertThat(rotated.open("support", "botToken", old)).isEqualTo("old-secret");
        assertThat(rotated.seal("support", "botToken", "new").keyId()).isEqualTo(rotated.currentKeyId());
    }

    @Test
    void aCredentialSealedWithAnUnknownKeyNamesTheKeyNotTheSecret() {
        CredentialVault.Sealed sealed = vault.seal("support", "botToken", "s3cr3t");

        assertThatThrownBy(() -> new CredentialVault(key(3)).open("support", "botToken", sealed))
                .hasMessageContaining(vault.currentKeyId()).hasMessageNotContaining("s3cr3t");
    }

    @Test
    void fingerprintsAreShortStableAndDistinct() {
        assertThat(vault.fingerprint("a")).hasSize(8).isEqualTo(vault.fingerprint("a")).isNotEqualTo(vault.fingerprint("b"));
        assertThat(new CredentialVault(key(9)).fingerprint("a")).isNotEqualTo(vault.fingerprint("a"));
    }

    @Test
    void badMasterKeysAreRefusedWithInstructions() {
        assertThatThrownBy(() -> new CredentialVault("")).hasMessageContaining("not set");
        assertThatThrownBy(() -> new CredentialVault("%%%")).hasMessageContaining("not base64");
        assertThatThrownBy(() -> new CredentialVault(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("32 bytes");
    }
}
