package dev.parley.hub.admin;

/**
 * A refusal of an admin request with the HTTP status and a reason naming what to fix (the field, the bot, the
 * platform's own error). Mapped to {@code {"error": "..."}}; never carries a secret.
 */
public class AdminProblem extends RuntimeException {

    private final int status;

    public AdminProblem(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    static AdminProblem badRequest(String reason) {
        return new AdminProblem(400, reason);
    }

    static AdminProblem notFound(String reason) {
        return new AdminProblem(404, reason);
    }

    static AdminProblem unknownBot(String id) {
        return new AdminProblem(404, "no bot with id '" + id + "'");
    }
}
