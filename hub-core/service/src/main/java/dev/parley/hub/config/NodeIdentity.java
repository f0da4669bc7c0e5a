package dev.parley.hub.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/** This hub node's name among its peers, fixed for the life of the process. */
@ApplicationScoped
public class NodeIdentity {

    private final String id;

    public NodeIdentity(HubConfig config) {
        this.id = config.nodeId().orElseGet(() -> "hub-" + UUID.randomUUID().toString().substring(0, 8));
    }

    public String id() {
        return id;
    }
}
