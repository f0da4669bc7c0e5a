package dev.parley.hub.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.contract.Topics;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.annotation.Identifier;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The ops page ({@code /ops/}) in headless Chromium (Debian's chromium and chromium-driver) against the hub under
 * test: it asks for the token, shows what {@code GET /ops/api/lag} says, and turns a group whose lag grows into a
 * warning. The profile adds a group of this run on a topic of this run to the watched ones (and a dead-letter topic),
 * so the test controls their lag without touching Parley's own topics.
 */
@QuarkusTest
@TestProfile(OpsPageBrowserTest.WatchesATestGroup.class)
class OpsPageBrowserTest {

    /** Watches {@code parley-ops-page-<run>} on {@code parley.ops-page.<run>} besides Parley's own groups. */
    public static class WatchesATestGroup implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String run = UUID.randomUUID().toString().substring(0, 8);
            return Map.of(
                    "parley.ops.groups", "parley-bridge:parley.requests,parley-hub-delivery:parley.replies,"
                            + "parley-ops-page-" + run + ":parley.ops-page." + run,
                    "parley.ops.dead-letter-topics", "parley.requests.dlq,parley.replies.dlq,parley.ops-page." + run
                            + ".dlq",
                    // A state over 4 samples of 500 ms: a stuck group shows within 2 s.
                    "parley.ops.window", "4");
        }
    }

    private static final String VIEWER = "test-viewer-token-2b8e41";
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/ops/")
    URL opsPage;

    @ConfigProperty(name = "parley.ops.groups")
    List<String> watchedGroups;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("headless Chromium is needed: apt-get install -y chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // No sandbox as root in CI; no background networking: this machine's network is closed.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + Files.createTempDirectory("parley-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void theBarePathLeadsToThePage() {
        given().redirects().follow(false).get("/ops").then().statusCode(303).header("Location", endsWith("/ops/"));
        String page = given().redirects().follow(true).get("/ops").then().statusCode(200).extract().asString();
        assertThat(page).contains("<title>Parley ops</title>");
        given().get("/ops/").then().statusCode(200).contentType(containsString("text/html"));
        given().get("/ops/ops.js").then().statusCode(200);
        given().get("/ops/ops.css").then().statusCode(200);
    }

    @Test
    void aRefusedTokenIsAskedForAgainAndTheShownNumbersAreTheApis() throws Exception {
        // Refresh off: the page shows one report until Refresh is clicked, so it can be compared with the API's.
        browser.get(opsPage + "?refresh=0");
        signIn("not-a-token");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-note"), "refused"));
        assertThat(browser.findElement(By.id("dashboard")).isDisplayed()).isFalse();
        assertThat(sessionToken()).isNull();

        signIn(VIEWER);
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(
                "tr.row[data-group='parley-bridge'][data-topic='parley.requests']")));
        assertThat(browser.getCurrentUrl()).doesNotContain(VIEWER);
        assertThat(browser.findElement(By.id("login")).isDisplayed()).isFalse();
        assertThat(sessionToken()).isEqualTo(VIEWER);

        // The page's report and the API's must be the same sample (a new one comes every 500 ms): refresh the
        // page, ask the API at once, and try again until both show the same sample time.
        JsonNode report = null;
        for (int attempt = 0; attempt < 40 && report == null; attempt++) {
            String shownAt = refreshAndReadSampleTime();
            JsonNode api = lag();
            if (shownAt.equals(api.path("at").asText(""))) {
                report = api;
            }
        }
        assertThat(report).as("the page and the API never showed the same sample").isNotNull();

        // Every group's row shows the API's numbers.
        for (JsonNode expected : report.get("groups")) {
            WebElement row = browser.findElement(By.cssSelector("tr.row[data-group='" + expected.get("group").asText()
                    + "'][data-topic='" + expected.get("topic").asText() + "']"));
            assertThat(field(row, "lagMessages")).isEqualTo(count(expected.get("lagMessages").asLong()));
            assertThat(field(row, "lagSeconds")).isEqualTo(duration(expected.get("lagSeconds")));
            assertThat(field(row, "producePerSecond")).isEqualTo(fixed1(expected.get("producePerSecond").asDouble()));
            assertThat(field(row, "consumePerSecond")).isEqualTo(fixed1(expected.get("consumePerSecond").asDouble()));
            assertThat(field(row, "trendPerSecond")).isEqualTo(trend(expected.get("trendPerSecond").asDouble()));
            assertThat(field(row, "timeToDrainSeconds")).isEqualTo(duration(expected.get("timeToDrainSeconds")));
            assertThat(row.findElement(By.cssSelector(".badge")).getText()).isEqualTo(expected.get("state").asText());
            // A sparkline per row; a line in it once there is a sample (a topic not created yet has none).
            assertThat(row.findElements(By.cssSelector("svg.spark"))).hasSize(1);
            assertThat(row.findElements(By.cssSelector("svg.spark polyline")))
                    .hasSize(expected.get("partitions").isEmpty() ? 0 : 1);
            assertThat(classesOf(row)).contains("row");
        }
        assertThat(browser.findElements(By.cssSelector("tr.row"))).hasSize(report.get("groups").size());

        JsonNode bridge = group(report, "parley-bridge");
        WebElement row = browser.findElement(By.cssSelector("tr.row[data-group='parley-bridge']"));
        // Its partitions, with a sparkline each, on demand.
        row.findElement(By.cssSelector("button.toggle")).click();
        List<WebElement> partitions = browser.findElements(By.cssSelector("tr.partition[data-group='parley-bridge']"));
        assertThat(partitions).hasSize(bridge.get("partitions").size());
        for (WebElement partition : partitions) {
            JsonNode expected = bridge.get("partitions").get(Integer.parseInt(partition.getAttribute("data-partition")));
            assertThat(field(partition, "lagMessages")).isEqualTo(count(expected.get("lagMessages").asLong()));
            assertThat(partition.findElements(By.cssSelector("svg.spark"))).hasSize(1);
        }

        // No bridge is configured in tests, so the API reports no model pool: the page says so and invents nothing. The
        // autoscaling panel shows the replicas the API computed.
        assertThat(report.hasNonNull("pool")).isFalse();
        assertThat(browser.findElement(By.cssSelector("#pool .panel-body")).getText()).isEqualTo("not reported");
        assertThat(browser.findElement(By.cssSelector("#autoscaling .panel-body")).getText())
                .contains("replicasWanted", report.path("autoscaling").path("replicasWanted").asText());
    }

    @Test
    void aGrowingLagTurnsItsRowToAWarningAndDeadLettersShowTheirReasonAsText() throws Exception {
        String entry = watchedGroups.stream().filter(g -> g.startsWith("parley-ops-page-")).findFirst().orElseThrow();
        String group = entry.substring(0, entry.lastIndexOf(':'));
        String topic = entry.substring(entry.lastIndexOf(':') + 1);
        String deadLetters = topic + ".dlq";
        try (Admin admin = Admin.create(only(AdminClientConfig.configNames()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(deadLetters, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }

        browser.get(opsPage.toString());
        signIn(VIEWER);
        By row = By.cssSelector("tr.row[data-group='" + group + "']");
        // A fresh topic nobody writes to: no lag, no warning.
        wait.until(driver -> driver.findElements(row).size() == 1
                && "OK".equals(driver.findElement(row).getAttribute("data-state"))
                && lagOf(driver.findElement(row)) == 0);
        retrying(() -> assertThat(classesOf(browser.findElement(row))).doesNotContain("warn"));

        Map<String, Object> producerConfig = only(ProducerConfig.configNames());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        AtomicBoolean producing = new AtomicBoolean(true);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            String reason = "<img src=x onerror=\"document.title='owned'\"> & <b>not bold</b>";
            var letter = new ProducerRecord<String, String>(deadLetters, "k", "v");
            letter.headers().add(Topics.HEADER_FAILURE_REASON, reason.getBytes(StandardCharsets.UTF_8));
            producer.send(letter).get(30, TimeUnit.SECONDS);

            // Nobody consumes the group's topic while records keep coming: its lag grows.
            Thread writer = Thread.ofVirtual().start(() -> {
                for (int i = 0; producing.get(); i++) {
                    producer.send(new ProducerRecord<>(topic, "key", "record " + i));
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                wait.until(driver -> classesOf(driver.findElement(row)).contains("warn"));
                retrying(() -> {
                    WebElement warned = browser.findElement(row);
                    assertThat(lagOf(warned)).isPositive();
                    assertThat(warned.getCssValue("background-color")).isNotEqualTo("rgba(0, 0, 0, 0)");
                });
                JsonNode now = group(lag(), group);
                assertThat(now.get("lagMessages").asLong()).isPositive();
                assertThat(now.get("trendPerSecond").asDouble() > 0 || !"OK".equals(now.get("state").asText()))
                        .as("the API's view of the group: %s", now).isTrue();
            } finally {
                producing.set(false);
                writer.join();
            }
        }

        // The dead letter's reason is shown as text, never as markup.
        By dlqRow = By.cssSelector("#dlq-rows tr[data-topic='" + deadLetters + "']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(dlqRow, "not bold"));
        retrying(() -> {
            WebElement dlq = browser.findElement(dlqRow);
            assertThat(field(dlq, "records")).isEqualTo("1");
            assertThat(dlq.getText()).contains("<img src=x onerror=\"document.title='owned'\"> & <b>not bold</b>");
            assertThat(dlq.findElements(By.tagName("img"))).isEmpty();
            assertThat(dlq.findElements(By.tagName("b"))).isEmpty();
        });
        assertThat(browser.getTitle()).isEqualTo("Parley ops");

        // For a look at the page: target/ops-page.png.
        retrying(() -> browser.findElement(row).findElement(By.cssSelector("button.toggle")).click());
        Files.write(Path.of("target", "ops-page.png"),
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    // ------------------------------------------------------------------------------------------------------------

    private void signIn(String token) {
        WebElement input = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token")));
        assertThat(input.getAttribute("type")).isEqualTo("password");
        input.clear();
        input.sendKeys(token);
        browser.findElement(By.id("sign-in")).click();
    }

    /**
     * Runs checks of elements the page may replace meanwhile (it redraws its tables on every refresh, here every
     * 500 ms) again until they run on one drawing.
     */
    private static void retrying(Runnable checks) {
        for (int attempt = 1; ; attempt++) {
            try {
                checks.run();
                return;
            } catch (StaleElementReferenceException redrawn) {
                if (attempt == 20) {
                    throw redrawn;
                }
            }
        }
    }

    private String sessionToken() {
        return (String) ((JavascriptExecutor) browser).executeScript(
                "return sessionStorage.getItem('parley.ops.token');");
    }

    /** Clicks Refresh and waits for the next report the page shows; its sample time. */
    private String refreshAndReadSampleTime() {
        WebElement sampled = browser.findElement(By.id("sampled-at"));
        String before = sampled.getAttribute("data-at");
        browser.findElement(By.id("refresh")).click();
        try {
            new WebDriverWait(browser, Duration.ofSeconds(2))
                    .until(driver -> !before.equals(driver.findElement(By.id("sampled-at")).getAttribute("data-at")));
        } catch (org.openqa.selenium.TimeoutException sameSample) {
            // The refresh came back with the sample already shown.
        }
        return browser.findElement(By.id("sampled-at")).getAttribute("data-at");
    }

    private static JsonNode lag() throws Exception {
        String body = given().header("Authorization", "Bearer " + VIEWER).get("/ops/api/lag")
                .then().statusCode(200).extract().asString();
        return JSON.readTree(body);
    }

    private static JsonNode group(JsonNode report, String name) {
        for (JsonNode group : report.get("groups")) {
            if (group.get("group").asText().equals(name)) {
                return group;
            }
        }
        throw new AssertionError("no group " + name + " in " + report);
    }

    private static String field(WebElement row, String name) {
        return row.findElement(By.cssSelector("td[data-field='" + name + "']")).getText();
    }

    private static long lagOf(WebElement row) {
        return Long.parseLong(row.findElement(By.cssSelector("td[data-field='lagMessages']"))
                .getAttribute("data-value"));
    }

    private static Set<String> classesOf(WebElement element) {
        return Set.of(element.getAttribute("class").split("\\s+"));
    }

    private Map<String, Object> only(Set<String> names) {
        Map<String, Object> config = new HashMap<>();
        kafka.forEach((name, value) -> {
            if (names.contains(name)) {
                config.put(name, value);
            }
        });
        return config;
    }

    // The page's formatting (ops.js), mirrored.

    /** JavaScript's {@code toFixed(1)}: the double's exact value rounded half up, without a negative zero. */
    private static String fixed1(double x) {
        String text = new BigDecimal(Math.abs(x)).setScale(1, RoundingMode.HALF_UP).toPlainString();
        return (x < 0 && text.matches(".*[1-9].*") ? "-" : "") + text;
    }

    private static String trend(double x) {
        String text = fixed1(x);
        return x > 0 && text.matches(".*[1-9].*") ? "+" + text : text;
    }

    private static String count(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    private static String duration(JsonNode seconds) {
        if (seconds == null || seconds.isNull()) {
            return "never";
        }
        double s = seconds.asDouble();
        if (s < 60) {
            return fixed1(s) + " s";
        }
        if (s < 3600) {
            return (long) Math.floor(s / 60) + " min " + (long) Math.floor(s % 60) + " s";
        }
        if (s < 86400) {
            return (long) Math.floor(s / 3600) + " h " + (long) Math.floor((s % 3600) / 60) + " min";
        }
        return (long) Math.floor(s / 86400) + " d " + (long) Math.floor((s % 86400) / 3600) + " h";
    }
}
