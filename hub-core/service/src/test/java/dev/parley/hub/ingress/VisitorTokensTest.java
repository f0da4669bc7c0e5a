package dev.parley.hub.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class VisitorTokensTest {

    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private final VisitorTokens tokens = new VisitorTokens(KEY);

    @Test
    void anIssuedTokenVerifiesToItsVisitor() {
        String token = tokens.issue();

        assertThat(tokens.verify(token)).hasValueSatisfying(visitor -> assertThat(token).contains("." + visitor + "."));
    }

    @Test
    void everyNodeWithTheSameKeyAcceptsTheToken() {
        String token = tokens.issue();

        assertThat(new VisitorTokens(KEY).verify(token)).isEqualTo(tokens.verify(token));
    }

    @Test
    void tamperedForeignAndMalformedTokensAreRefused() {
        String token = tokens.issue();
        String[] parts = token.split("\\.");
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;

        assertThat(tokens.verify(parts[0] + ".vSomeoneElse." + parts[2])).isEmpty();
        assertThat(tokens.verify(token + "x")).isEmpty();
        assertThat(new VisitorTokens(Base64.getEncoder().encodeToString(otherKey)).verify(token)).isEmpty();
        assertThat(tokens.verify("v2." + parts[1] + "." + parts[2])).isEmpty();
        assertThat(tokens.verify("garbage")).isEmpty();
        assertThat(tokens.verify(null)).isEmpty();
    }

    @Test
    void aShortOrMalformedKeyIsRefusedAtStart() {
        assertThatThrownBy(() -> new VisitorTokens(Base64.getEncoder().encodeToString(new byte[16])))
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> new VisitorTokens("not*base64!")).hasMessageContaining("not base64");
    }
}
