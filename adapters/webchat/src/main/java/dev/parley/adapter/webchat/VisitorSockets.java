package dev.parley.adapter.webchat;

/**
 * The hub's side of the web chat sockets, as the outbound adapter needs it: push a frame to a visitor connected
 * to this node. Which node holds which socket is the hub's business, not the adapter's.
 */
public interface VisitorSockets {

    /** Sends the frame to every socket this node holds for the visitor; returns how many received it. */
    int push(String botId, String visitorId, String frameJson);
}
