package dev.parley.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The chat page in headless Chromium (Debian's chromium and chromium-driver), against the running stack. */
@ExtendWith(LocalStack.class)
class ChatPageBrowserIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private WebDriver browser;

    @BeforeEach
    void openBrowser() throws Exception {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("headless Chromium is needed: apt-get install -y chromium chromium-driver");
        }
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
        // No sandbox as root in CI; no background networking: this machine's network is closed.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + Files.createTempDirectory("parley-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private List<WebElement> sendAndAwaitReply(WebDriverWait wait, String text, int repliesBefore) {
        WebElement input = browser.findElement(By.id("text"));
        input.sendKeys(text);
        browser.findElement(By.id("send")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages li.bot:not([data-restored])"),
                repliesBefore + 1));
        return browser.findElements(By.cssSelector("#messages li.bot:not([data-restored])"));
    }

    @Test
    void aVisitorTypesAndSeesTheReplyAndTheConversationSurvivesAReload() {
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        browser.get(LocalStack.hubUrl(1) + "/");
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "online"));

        List<WebElement> replies = sendAndAwaitReply(wait, "Hello from the browser", 0);

        assertThat(replies.get(0).getText()).contains("simulator", "turn 1", "Hello from the browser");
        assertThat(browser.findElement(By.cssSelector("#messages li.user")).getAttribute("data-state"))
                .isEqualTo("accepted");

        browser.navigate().refresh();
        wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "online"));
        assertThat(browser.findElements(By.cssSelector("#messages li.bot[data-restored]"))).hasSize(1);

        List<WebElement> afterReload = sendAndAwaitReply(wait, "Still me after a reload", 0);
        assertThat(afterReload.get(0).getText()).contains("turn 2", "Still me after a reload");
    }
}
