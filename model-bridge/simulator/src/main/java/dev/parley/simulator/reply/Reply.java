package dev.parley.simulator.reply;

import java.util.List;

/** A composed reply as the tokens the replica will emit, and why it ends where it does. */
public record Reply(List<String> tokens, FinishReason finishReason) {

    public String text() {
        return String.join("", tokens);
    }
}
