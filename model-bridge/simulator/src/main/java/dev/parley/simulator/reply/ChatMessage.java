package dev.parley.simulator.reply;

/** One message of the conversation sent to the model, reduced to what the reply needs: role and plain text. */
public record ChatMessage(String role, String text) {

    public boolean fromUser() {
        return "user".equals(role);
    }
}
