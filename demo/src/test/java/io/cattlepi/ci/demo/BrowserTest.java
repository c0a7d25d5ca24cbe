package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildState;
import io.cattlepi.ci.controller.run.Controller;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import io.cattlepi.ci.worker.WorkerState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in Debian's Chromium on a phone-sized window, against the demo rack: Pis going to
 * ready, a running build's log growing live and its boot test appearing, drain moving a Pi to maintenance. Screenshots go
 * to {@code target/screenshots/}.
 */
class BrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static DemoWorld world;
    private static Controller controller;
    private WebDriver browser;
    private String ui;

    @BeforeAll
    static void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "Debian's chromium and chromium-driver are not installed (.ci/run installs them)");
        world = DemoWorld.start(dir, new DemoWorld.Options(3, PiTimings.demo(), 0, Duration.ofMinutes(2),
                Duration.ofSeconds(10), Duration.ofSeconds(5), null));
        controller = Controller.start(world.config());
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        if (world != null) {
            world.close();
        }
    }

    @BeforeEach
    void openBrowser() throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(dir, "chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(412, 915)); // a phone
        ui = "http://127.0.0.1:" + controller.httpPort();
    }

    @AfterEach
    void closeBrowser(TestInfo test) throws Exception {
        if (browser != null) {
            screenshot(test.getTestMethod().orElseThrow().getName() + "-end");
            browser.quit();
        }
    }

    private void screenshot(String name) throws Exception {
        Path out = Path.of("target", "screenshots");
        Files.createDirectories(out);
        Files.write(out.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private WebDriverWait waiting() {
        // The rack page reloads itself every 2 s: elements found just before a reload go stale.
        WebDriverWait wait = new WebDriverWait(browser, WAIT, Duration.ofMillis(250));
        wait.ignoring(StaleElementReferenceException.class).ignoring(org.openqa.selenium.NoSuchElementException.class);
        return wait;
    }

    /** Pi name -> shown state, read in one script call so a reload cannot interleave. */
    @SuppressWarnings("unchecked")
    private Map<String, String> shownStates() {
        Object r = ((JavascriptExecutor) browser).executeScript("const m={};"
                + "document.querySelectorAll('#rack tr[data-worker]').forEach(tr=>{"
                + "const s=tr.querySelector('[data-state]'); if(s) m[tr.dataset.worker]=s.dataset.state;}); return m;");
        return (Map<String, String>) r;
    }

    private long rowsIn(String state) {
        return shownStates().values().stream().filter(state::equals).count();
    }

    @Test
    void theRackPageShowsThreePisGoingToReady() throws Exception {
        browser.get(ui + "/");
        screenshot("rack-starting");
        waiting().until(d -> rowsIn("ready") == 3);
        screenshot("rack-ready");
        assertEquals(3, shownStates().size());
    }

    @Test
    void aRunningBuildsLogGrowsLive() throws Exception {
        waiting().until(d -> allReady());
        SampleRepository.PullRequest pr = world.repo().openPullRequest(41, "A slow change",
                Map.of(SampleRepository.SLOW, "take your time\n"));
        assertEquals(202, world.deliver(controller.httpPort(), "pull_request", world.pullRequestPayload("opened", pr)));
        waiting().until(d -> running(pr.headSha()) != null);
        Build b = running(pr.headSha());
        browser.get(ui + "/builds/" + b.id());
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "compiling part 2 of 12"));
        int early = browser.findElement(By.id("log")).getText().length();
        screenshot("build-log-early");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "compiling part 9 of 12"));
        int later = browser.findElement(By.id("log")).getText().length();
        assertTrue(later > early, "the log grew from " + early + " to " + later + " characters without a reload");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "result: success"));
        screenshot("build-log-done");
        // Its boot test appears beside the log when it starts, and fills in without a reload.
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("boot-test-status"), "success"));
        assertEquals(3, browser.findElements(By.cssSelector("#boot-tests tr[data-test]")).size());
        assertTrue(browser.findElement(By.id("boot-test")).getText().contains("20-selftest"));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('boot-test').scrollIntoView()");
        screenshot("build-boot-test");
    }

    @Test
    void drainMovesAPiToMaintenance() throws Exception {
        waiting().until(d -> allReady());
        browser.get(ui + "/");
        browser.findElement(By.cssSelector("#rack tr[data-worker='pi-3'] button")).click();
        waiting().until(ExpectedConditions.alertIsPresent()).sendKeys(DemoWorld.OPERATOR_TOKEN.reveal());
        browser.switchTo().alert().accept();
        waiting().until(ExpectedConditions.alertIsPresent()).sendKeys("fan replaced");
        browser.switchTo().alert().accept();
        waiting().until(d -> "maintenance".equals(shownStates().get("pi-3")));
        screenshot("rack-drained");
        waiting().until(d -> d.findElement(By.cssSelector("#rack tr[data-worker='pi-3']")).getText().contains("fan replaced"));
        controller.engine().undrain("pi-3");
    }

    private static boolean allReady() {
        return controller.store().read(tx -> tx.workers()).stream().allMatch(w -> w.state() == WorkerState.READY);
    }

    private static Build running(String sha) {
        List<Build> b = controller.store().read(tx -> tx.buildsOf(DemoWorld.REPOSITORY, sha, "pull_request"));
        return b.stream().filter(x -> x.state() == BuildState.RUNNING).findFirst().orElse(null);
    }
}
