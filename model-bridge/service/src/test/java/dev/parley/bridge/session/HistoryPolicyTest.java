package dev.parley.bridge.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryPolicyTest {

    private static List<Turn> exchanges(int count, int charsPerTurn) {
        List<Turn> turns = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            turns.add(new Turn(Turn.USER, "q" + i + "x".repeat(charsPerTurn), "r" + i, i));
            turns.add(new Turn(Turn.ASSISTANT, "a" + i + "x".repeat(charsPerTurn), "r" + i, i));
        }
        return turns;
    }

    @Test
    void keepsEverythingWithinBounds() {
        List<Turn> turns = exchanges(3, 10);

        assertThat(new HistoryPolicy(40, 6000).bound(turns)).isEqualTo(turns);
    }

    @Test
    void dropsTheOldestTurnsBeyondTheTurnLimit() {
        List<Turn> bounded = new HistoryPolicy(4, 6000).bound(exchanges(5, 10));

        assertThat(bounded).extracting(Turn::requestId).containsExactly("r3", "r3", "r4", "r4");
    }

    @Test
    void dropsTheOldestTurnsBeyondTheTokenBudget() {
        // Each turn is about 250 + 4 tokens; a budget of 1100 holds four turns.
        List<Turn> bounded = new HistoryPolicy(100, 1100).bound(exchanges(5, 1000));

        assertThat(bounded).extracting(Turn::requestId).containsExactly("r3", "r3", "r4", "r4");
    }

    @Test
    void neverKeepsAnAnswerWithoutItsQuestion() {
        // A limit of 3 turns would start on an answer; the policy starts at the next question instead.
        List<Turn> bounded = new HistoryPolicy(3, 6000).bound(exchanges(3, 10));

        assertThat(bounded).extracting(Turn::role).containsExactly(Turn.USER, Turn.ASSISTANT);
        assertThat(bounded.get(0).requestId()).isEqualTo("r2");
    }

    @Test
    void aSingleHugeExchangeIsDroppedRatherThanSentOverBudget() {
        assertThat(new HistoryPolicy(10, 100).bound(exchanges(1, 4000))).isEmpty();
    }

    @Test
    void refusesLimitsThatCannotHoldAnExchange() {
        assertThatThrownBy(() -> new HistoryPolicy(1, 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
