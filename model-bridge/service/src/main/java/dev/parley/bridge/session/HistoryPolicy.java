package dev.parley.bridge.session;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a conversation's history within bounds: at most {@code maxTurns} turns and about {@code tokenBudget}
 * tokens, dropping the oldest turns first. A user turn is never kept without the answer that followed it, so the
 * model never sees a question without its reply.
 */
public final class HistoryPolicy {

    private final int maxTurns;
    private final int tokenBudget;

    public HistoryPolicy(int maxTurns, int tokenBudget) {
        if (maxTurns < 2 || tokenBudget < 1) {
            throw new IllegalArgumentException("history needs room for at least one exchange");
        }
        this.maxTurns = maxTurns;
        this.tokenBudget = tokenBudget;
    }

    public List<Turn> bound(List<Turn> turns) {
        int from = Math.max(0, turns.size() - maxTurns);
        int tokens = 0;
        for (int i = turns.size() - 1; i >= from; i--) {
            tokens += turns.get(i).approxTokens();
            if (tokens > tokenBudget) {
                from = i + 1;
                break;
            }
        }
        // Start on a user turn so that no answer is kept without its question.
        while (from < turns.size() && !Turn.USER.equals(turns.get(from).role())) {
            from++;
        }
        return new ArrayList<>(turns.subList(from, turns.size()));
    }
}
