package dev.parley.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * CI's guard on the harness and on the pipeline under mixed load: {@code deploy/loadtest/run smoke} on a fresh
 * two-node stack (Telegram and Slack webhooks with redeliveries, web chat sockets, rate-limited platform servers)
 * must exit 0, and its report must show every message answered exactly once and no 429 from the platforms.
 */
class LoadSmokeIT {

    private static final Path REPO = Path.of("../..").toAbsolutePath().normalize();

    @Test
    void theSmokeScenarioAnswersEveryMessageOnceWithinThePlatformsLimits() throws Exception {
        Path out = Path.of("target/smoke-run.out");
        Files.deleteIfExists(REPO.resolve("deploy/loadtest/target/reports/smoke-latest.json"));
        ProcessBuilder builder = new ProcessBuilder(List.of(REPO.resolve("deploy/loadtest/run").toString(), "smoke"))
                .directory(REPO.toFile()).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("PARLEY_LOADTEST_BUILD", "0"); // the reactor built the apps and the classpath
        Process run = builder.start();
        boolean finished = run.waitFor(10, TimeUnit.MINUTES);
        if (!finished) {
            run.destroy();
            run.waitFor(1, TimeUnit.MINUTES);
        }
        String printed = Files.readString(out);
        System.out.println(printed);
        assertThat(finished).as("the smoke scenario ends within 10 minutes").isTrue();

        JsonNode report = new ObjectMapper().readTree(REPO.resolve("deploy/loadtest/target/reports/smoke-latest.json")
                .toFile());
        JsonNode smoke = report.get("smoke");
        assertThat(smoke.get("sent").asLong()).isGreaterThanOrEqualTo(300);
        assertThat(smoke.get("answered").asLong()).as("every message answered").isEqualTo(smoke.get("sent").asLong());
        assertThat(smoke.get("answeredTwice").asLong()).as("no message answered twice").isZero();
        assertThat(smoke.get("redeliveredByPlatform").asLong()).as("the platforms delivered some twice").isPositive();
        assertThat(smoke.get("perPlatform").fieldNames()).toIterable().containsExactly("slack", "telegram", "webchat");
        assertThat(smoke.at("/platformCalls/telegram429").asLong() + smoke.at("/platformCalls/slack429").asLong())
                .as("Parley's own limiter keeps under the platforms' limits").isZero();
        assertThat(run.exitValue()).as(printed).isZero();
    }
}
