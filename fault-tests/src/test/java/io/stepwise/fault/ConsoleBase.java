package io.stepwise.fault;

import com.deque.html.axecore.results.CheckedNode;
import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.results.Rule;
import com.deque.html.axecore.selenium.AxeBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;

/**
 * The console in a real headless Chromium against a real stack. One {@link Stack} per test class (up
 * in {@code @BeforeAll} after {@link #writePack} wrote the class's workflows), a fresh ChromeDriver per
 * test, so each test starts with empty session storage. Chromium and chromedriver come from the
 * machine's packages at {@link #CHROMIUM} and {@link #CHROMEDRIVER}; a missing one fails the class,
 * and nothing is ever downloaded: the driver path is given, so Selenium Manager never runs, and the
 * browser sends everything that is not loopback to a proxy on 127.0.0.1 that does not answer.
 * Screenshots and axe reports go to {@code fault-tests/target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(ConsoleBase.OnFailure.class)
abstract class ConsoleBase {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SHOTS = Path.of("target", "screenshots").toAbsolutePath();
    static final Path DRIVER_LOGS = Path.of("target", "chromedriver").toAbsolutePath();
    static final Duration WAIT = Duration.ofSeconds(20);

    Stack stack;
    ChromeDriver driver;
    private String testName = "test";

    /** Writes the class's workflows into the stack's pack dir ({@link Stack#writeWorkflow}) before it starts. */
    abstract void writePack(Stack stack) throws Exception;

    /** False for a class that brings up a stack of its own (./run.sh's); it then overrides {@link #base()}. */
    boolean ownsStack() {
        return true;
    }

    /** Where the console is served: the stack's api-server. */
    String base() {
        return stack.api().base();
    }

    @BeforeAll
    void up() throws Exception {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the console's browser tests need Debian's chromium and "
                        + "chromium-driver packages (apt-get install chromium chromium-driver; .ci/run installs them)");
            }
        }
        // belt and braces: Selenium Manager is not called when the driver path is given, and sends no stats here
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        System.setProperty("SE_AVOID_STATS", "true");
        Files.createDirectories(SHOTS);
        Files.createDirectories(DRIVER_LOGS);
        if (ownsStack()) {
            stack = new Stack(getClass().getSimpleName());
            writePack(stack);
            stack.up();
        }
    }

    @AfterAll
    void down() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void browser(TestInfo info) {
        testName = info.getTestMethod().map(m -> m.getName()).orElse("test");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-extensions", "--window-size=1280,800",
                "--disable-domain-reliability", "--disable-client-side-phishing-detection",
                // anything not on loopback (always bypassed) goes to a closed port: no traffic leaves the machine
                "--proxy-server=http://127.0.0.1:9");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(DRIVER_LOGS.resolve(getClass().getSimpleName() + "-" + testName + ".log").toFile())
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(30));
    }

    @AfterEach
    void closeBrowser() {
        if (driver != null) {
            driver.quit();
            driver = null;
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Opens a console page; with a token, signs in the way ./run.sh's link does (the URL fragment). */
    void open(String path, String token) {
        driver.get(base() + path + (token == null ? "" : "#token=" + token));
    }

    WebElement waitFor(By by) {
        return new WebDriverWait(driver, WAIT).withMessage(() -> "visible " + by + " on " + driver.getCurrentUrl())
                .until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    WebElement waitText(By by, String text) {
        new WebDriverWait(driver, WAIT)
                .withMessage(() -> "text '" + text + "' in " + by + " on " + driver.getCurrentUrl() + "; it reads: "
                        + driver.findElements(by).stream().map(WebElement::getText).toList())
                .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
        return driver.findElement(by);
    }

    void waitUrl(String fragment) {
        new WebDriverWait(driver, WAIT).withMessage(() -> "URL containing '" + fragment + "', is " + driver.getCurrentUrl())
                .until(ExpectedConditions.urlContains(fragment));
    }

    /** A PNG of the window at target/screenshots/&lt;name&gt;.png. */
    Path shot(String name) throws Exception {
        Files.createDirectories(SHOTS);
        File png = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Path out = SHOTS.resolve(name + ".png");
        Files.copy(png.toPath(), out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return out;
    }

    /**
     * axe-core over the page as it is now: the whole result goes to target/screenshots/&lt;page&gt;-axe.json,
     * and any serious or critical violation fails the test, each listed with its nodes.
     */
    Results axe(String page) throws Exception {
        Results results = new AxeBuilder().analyze(driver);
        Files.createDirectories(SHOTS);
        Stack.JSON.writerWithDefaultPrettyPrinter().writeValue(SHOTS.resolve(page + "-axe.json").toFile(), results);
        if (results.isErrored()) {
            throw new AssertionError("axe did not run on " + page + ": " + results.getErrorMessage());
        }
        List<String> bad = new ArrayList<>();
        for (Rule r : results.getViolations()) {
            if (!"serious".equals(r.getImpact()) && !"critical".equals(r.getImpact())) {
                continue;
            }
            StringBuilder b = new StringBuilder(r.getId() + " (" + r.getImpact() + "): " + r.getHelp());
            for (CheckedNode n : r.getNodes()) {
                b.append("\n      at ").append(n.getTarget()).append(": ").append(n.getHtml());
            }
            bad.add(b.toString());
        }
        if (!bad.isEmpty()) {
            throw new AssertionError("axe found " + bad.size() + " serious or critical violation(s) on " + page
                    + " (" + driver.getCurrentUrl() + "):\n  - " + String.join("\n  - ", bad));
        }
        return results;
    }

    /** What the browser's console printed since the last read. */
    String consoleLog() {
        StringBuilder b = new StringBuilder();
        try {
            for (LogEntry e : driver.manage().logs().get(LogType.BROWSER)) {
                b.append('\n').append(e.getLevel()).append(' ').append(e.getMessage());
            }
        } catch (RuntimeException e) {
            b.append("\n(no browser log: ").append(e).append(')');
        }
        return b.length() == 0 ? "\n(empty)" : b.toString();
    }

    /** A failing test: a screenshot, the browser console, the URL and the tail of every service log. */
    String failureReport() {
        StringBuilder b = new StringBuilder();
        if (driver != null) {
            try {
                b.append("\n---- screenshot ").append(shot("FAILED-" + getClass().getSimpleName() + "-" + testName));
            } catch (Exception e) {
                b.append("\n---- no screenshot: ").append(e);
            }
            try {
                b.append("\n---- URL ").append(driver.getCurrentUrl());
            } catch (RuntimeException e) {
                b.append("\n---- no URL: ").append(e);
            }
            b.append("\n---- browser console ----").append(consoleLog());
        }
        if (stack != null) {
            b.append(stack.logTails());
        }
        return b.toString();
    }

    static final class OnFailure implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw report(context, t);
        }

        @Override
        public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw report(context, t);
        }

        @Override
        public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            throw report(context, t);
        }

        private static Throwable report(ExtensionContext context, Throwable t) {
            Object instance = context.getTestInstance().orElse(null);
            if (instance instanceof ConsoleBase base) {
                String report = base.failureReport();
                System.err.println("==== " + context.getDisplayName() + " failed: " + t + report);
                t.addSuppressed(new Throwable("browser console and service logs:" + report, null, false, false) {
                });
            }
            return t;
        }
    }
}
