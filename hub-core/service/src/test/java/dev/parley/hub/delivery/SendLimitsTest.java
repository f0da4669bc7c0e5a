package dev.parley.hub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.contract.spi.SendPermits.Limit;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The platforms' send limits as buckets in the real Redis every hub node shares. */
@QuarkusTest
class SendLimitsTest {

    @Inject
    SendLimits limits;

    private static String bot() {
        return "limits-" + UUID.randomUUID();
    }

    @Test
    void oneMessageASecondPerChatMakesTheSecondWaitAboutASecond() {
        String bot = bot();
        List<Limit> chat = List.of(new Limit("chat:1", 1, Duration.ofSeconds(1)));

        assertThat(limits.tryTake(bot, chat)).isZero();
        Duration wait = limits.tryTake(bot, chat);

        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void twentyAMinuteInAGroupLetsTwentyThroughThenAsksForThreeSeconds() {
        String bot = bot();
        List<Limit> group = List.of(new Limit("group:-100", 20, Duration.ofMinutes(1)));

        for (int i = 0; i < 20; i++) {
            assertThat(limits.tryTake(bot, group)).as("message %d", i + 1).isZero();
        }
        assertThat(limits.tryTake(bot, group)).isGreaterThan(Duration.ofMillis(2500))
                .isLessThanOrEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void allBucketsOrNoneSoAFullChatDoesNotUseUpTheBotsAllowance() {
        String bot = bot();
        Limit chat = new Limit("chat:7", 1, Duration.ofSeconds(1));
        Limit perBot = new Limit("bot", 2, Duration.ofSeconds(1));
        assertThat(limits.tryTake(bot, List.of(chat, perBot))).isZero();

        for (int i = 0; i < 5; i++) {
            assertThat(limits.tryTake(bot, List.of(chat, perBot))).isPositive(); // the chat is full
        }

        // The refused sends took nothing from the bot's bucket: one of its two permits is still there.
        assertThat(limits.tryTake(bot, List.of(new Limit("chat:8", 1, Duration.ofSeconds(1)), perBot))).isZero();
    }

    @Test
    void bucketsAreSharedBetweenEveryoneAskingForTheSameBotAndScope() {
        String bot = bot();
        List<Limit> chat = List.of(new Limit("chat:9", 1, Duration.ofSeconds(10)));
        long granted = IntStream.range(0, 8).parallel()
                .filter(i -> limits.tryTake(bot, chat).isZero()).count();

        assertThat(granted).isEqualTo(1);
    }
}
