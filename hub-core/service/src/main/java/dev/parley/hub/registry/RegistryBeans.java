package dev.parley.hub.registry;

import dev.parley.hub.admin.AdminTokens;
import dev.parley.hub.config.HubConfig;
import jakarta.enterprise.context.ApplicationScoped;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import org.jboss.logging.Logger;

/** Builds the registry's plain classes from configuration, failing the start when a key is unusable. */
@ApplicationScoped
public class RegistryBeans {

    private static final Logger LOG = Logger.getLogger(RegistryBeans.class);

    @Produces
    @Singleton
    CredentialVault credentialVault(HubConfig config) {
        return new CredentialVault(config.masterKey());
    }

    /** Opens the vault at start, so a malformed master key stops the hub now rather than at the first admin call. */
    void checkMasterKey(@Observes StartupEvent start, CredentialVault vault) {
        LOG.infof("bot credentials are sealed with master key %s", vault.currentKeyId());
    }

    @Produces
    @Singleton
    AdminTokens adminTokens(HubConfig config) {
        AdminTokens tokens = new AdminTokens(config.admin().tokens().orElse(List.of()));
        if (tokens.isEmpty()) {
            LOG.warn("no admin tokens configured (parley.admin.tokens): the admin API refuses every request");
        }
        return tokens;
    }
}
