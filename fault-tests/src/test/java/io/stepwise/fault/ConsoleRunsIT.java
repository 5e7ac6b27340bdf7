package io.stepwise.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's pages and actions in headless Chromium against a real stack: a broken pack file's
 * error, a launch from the generated form through to a Signal and SUCCEEDED, Resume of a run that
 * FAILED at an HTTP step, Replay of a run with a secret, and the banners while the worker is stopped.
 * Every page is scanned with axe-core and photographed under target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleRunsIT extends ConsoleBase {
    static final String SECRET = "s3cret-value-42";
    Target target;

    @Override
    void writePack(Stack stack) throws Exception {
        target = new Target();
        stack.writeWorkflow("order", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: order
                description: Calls the target with the API key, pauses, and waits for an approval.
                inputs:
                  ticket: { type: string, required: true }
                  greeting: { type: string, default: hello }
                  tier: { type: string, enum: [gold, silver] }
                  apiKey: { type: string, secret: true }
                  target: { type: string, required: true }
                steps:
                  - id: call
                    uses: http.request
                    with:
                      method: GET
                      url: "${{ inputs.target }}/call"
                      query: { run: "${{ run.id }}", step: call }
                      headers: { Authorization: "Bearer ${{ inputs.apiKey }}" }
                  - id: pause
                    uses: time.wait
                    with: { duration: 2s }
                  - id: approval
                    uses: event.wait
                    with: { event: approval, correlationKey: "${{ inputs.ticket }}" }
                outputs:
                  by: ${{ steps.approval.output.user }}
                  greeting: ${{ inputs.greeting }}
                  tier: ${{ inputs.tier }}
                """);
        stack.writeWorkflow("flaky", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: flaky
                inputs:
                  target: { type: string, required: true }
                steps:
                  - id: first
                    uses: http.request
                    with: { method: GET, url: "${{ inputs.target }}/first", query: { run: "${{ run.id }}", step: first } }
                  - id: second
                    uses: http.request
                    with: { method: GET, url: "${{ inputs.target }}/second", query: { run: "${{ run.id }}", step: second } }
                    retry: { maxAttempts: 1 }
                """);
        stack.writeWorkflow("fixable", FIXABLE.replace("FIX", """
                  - id: check
                    uses: fail
                    with: { message: "a bug in version 1" }
                """));
        stack.writeWorkflow("keyed", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: keyed
                inputs:
                  apiKey: { type: string, secret: true, required: true }
                  target: { type: string, required: true }
                steps:
                  - id: call
                    uses: http.request
                    with:
                      method: GET
                      url: "${{ inputs.target }}/keyed"
                      query: { run: "${{ run.id }}", step: call }
                      headers: { Authorization: "Bearer ${{ inputs.apiKey }}" }
                """);
        // line 7 names an action that does not exist
        stack.writeWorkflow("broken", """
                apiVersion: stepwise/v1
                kind: Workflow
                name: broken
                description: A file with a mistake on line 7.
                steps:
                  - id: first
                    uses: nope
                """);
    }

    /** A workflow whose last step is a bug in version 1 and fixed in version 2. */
    private static final String FIXABLE = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: fixable
            inputs:
              target: { type: string, required: true }
            steps:
              - id: first
                uses: http.request
                with: { method: GET, url: "${{ inputs.target }}/first", query: { run: "${{ run.id }}", step: first } }
            FIX""";

    @AfterAll
    void closeTarget() {
        if (target != null) {
            target.close();
        }
    }

    private String admin() throws Exception {
        return stack.token("console-admin", "stepwise.admin", 3600);
    }

    private String runIdFromUrl() {
        String url = driver.getCurrentUrl();
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private void waitStep(String path, String status) {
        waitText(By.cssSelector("#steps tr[data-step='" + path + "']"), status);
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aBrokenFileShowsItsMessageWithTheLineOnHoverAndOnKeyboardFocus() throws Exception {
        open("/workflows", admin());
        WebElement row = waitFor(By.xpath("//tr[td/a[text()='fault.broken']]"));
        WebElement badge = row.findElement(By.cssSelector(".tip button[aria-describedby]"));
        WebElement tip = driver.findElement(By.id(badge.getAttribute("aria-describedby")));
        assertThat(tip.isDisplayed()).as("the tooltip is hidden until asked for").isFalse();

        new Actions(driver).moveToElement(badge).perform();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOf(tip));
        assertThat(tip.getText()).contains("line 7").contains("nope");
        shot("workflows-load-error-tooltip");

        // away with the mouse, then to the badge with the keyboard alone
        new Actions(driver).moveToElement(driver.findElement(By.tagName("h1"))).perform();
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.invisibilityOf(tip));
        driver.findElement(By.id("filter-q")).click();
        for (int i = 0; i < 40 && !badge.equals(driver.switchTo().activeElement()); i++) {
            driver.switchTo().activeElement().sendKeys(Keys.TAB);
        }
        assertThat(driver.switchTo().activeElement()).as("Tab reaches the error badge").isEqualTo(badge);
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.visibilityOf(tip));
        assertThat(tip.getText()).contains("line 7");
        shot("workflows");
        axe("workflows");

        // the workflow page marks the failing line of the file on disk with its message
        row.findElement(By.linkText("fault.broken")).click();
        WebElement marked = waitFor(By.cssSelector("li.code-error"));
        assertThat(marked.getAttribute("id")).endsWith("-line-7");
        assertThat(marked.getText()).contains("uses: nope").contains("nope");
        assertThat(waitFor(By.id("load-errors")).getText()).contains("line 7");
        shot("workflow-load-error");
        axe("workflow-load-error");
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRunLaunchedFromTheFormProgressesLiveAndASignalFromTheFormCompletesIt() throws Exception {
        open("/workflows/fault.order", admin());
        WebElement form = waitFor(By.id("launch-form"));
        WebElement greeting = form.findElement(By.name("greeting"));
        assertThat(greeting.getAttribute("value")).as("the default is filled in").isEqualTo("hello");
        WebElement apiKey = form.findElement(By.name("apiKey"));
        assertThat(apiKey.getAttribute("type")).as("a secret input is a password field").isEqualTo("password");
        Select tier = new Select(form.findElement(By.name("tier")));
        assertThat(tier.getOptions().stream().map(WebElement::getText)).contains("gold", "silver");
        form.findElement(By.name("ticket")).sendKeys("T-100");
        tier.selectByVisibleText("silver");
        apiKey.sendKeys(SECRET);
        form.findElement(By.name("target")).sendKeys(target.url());
        shot("workflow-launch-form");
        axe("workflow");

        form.findElement(By.id("launch")).click();
        waitUrl("/runs/");
        String id = runIdFromUrl();
        // the page updates itself from here on: a reload would drop this marker
        driver.executeScript("window.stepwiseNoReload = true;");
        waitStep("call", "SUCCEEDED");
        waitStep("pause", "SUCCEEDED");
        waitStep("approval", "WAITING");
        waitText(By.id("run-status"), "WAITING");
        assertThat(target.authorizations(id, "call")).containsExactly("Bearer " + SECRET);
        shot("run-waiting");
        axe("run");

        driver.findElement(By.id("signal")).click();
        WebElement signal = waitFor(By.id("signal-form"));
        List<WebElement> fields = signal.findElements(By.cssSelector("input[type=text]"));
        assertThat(fields.get(0).getAttribute("value")).as("the open wait's event").isEqualTo("approval");
        assertThat(fields.get(1).getAttribute("value")).as("its correlation key").isEqualTo("T-100");
        WebElement payload = signal.findElement(By.tagName("textarea"));
        payload.sendKeys("{\"user\": ");
        signal.findElement(By.id("signal-submit")).click();
        waitText(By.id("signal-outcome"), "not valid JSON");
        payload.sendKeys("\"ann\"}");
        shot("run-signal-dialog");
        signal.findElement(By.id("signal-submit")).click();

        waitText(By.id("run-status"), "SUCCEEDED");
        waitStep("approval", "SUCCEEDED");
        assertThat(driver.executeScript("return window.stepwiseNoReload === true")).isEqualTo(true);
        assertThat(driver.findElement(By.id("main")).getText()).doesNotContain(SECRET);
        shot("run-succeeded");

        JsonNode doc = stack.run(id);
        assertThat(doc.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(doc.path("output").path("by").asText()).isEqualTo("ann");
        assertThat(doc.path("output").path("greeting").asText()).isEqualTo("hello");
        assertThat(doc.path("output").path("tier").asText()).isEqualTo("silver");
        assertThat(doc.path("inputs").path("apiKey").asText()).isEqualTo("[REDACTED]");

        // the list shows it, and the pages with no run of their own pass the scan too
        open("/runs", null);
        waitFor(By.cssSelector("a[href='/runs/" + id + "']"));
        shot("runs");
        axe("runs");
        open("/queues", null);
        waitFor(By.cssSelector("#queue-list section"));
        shot("queues");
        axe("queues");
        open("/", null);
        waitFor(By.cssSelector("#counts .tiles"));
        waitFor(By.cssSelector("#per-minute svg"));
        shot("home");
        axe("home");
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void resumeCompletesARunThatFailedAtAnHttpStepWithoutCallingTheStepBeforeAgain() throws Exception {
        target.fail("second", 1);
        String id = stack.launch("flaky", Map.of("target", target.url()));
        assertThat(stack.awaitTerminal(id, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("FAILED");
        assertThat(target.hits(id, "first")).isEqualTo(1);
        assertThat(target.hits(id, "second")).isEqualTo(1);

        open("/runs/" + id, admin());
        waitText(By.id("run-status"), "FAILED");
        waitStep("second", "FAILED");
        WebElement resume = waitFor(By.id("resume"));
        shot("run-failed");
        axe("run-failed");
        resume.click();
        waitText(By.id("action-outcome"), "Resumed");
        waitText(By.id("run-status"), "SUCCEEDED");
        waitStep("second", "SUCCEEDED");
        assertThat(driver.findElements(By.id("resume")).stream().noneMatch(WebElement::isDisplayed))
                .as("no Resume on a run that succeeded").isTrue();
        shot("run-resumed");

        assertThat(target.hits(id, "first")).as("the step that had succeeded was not called again").isEqualTo(1);
        assertThat(target.hits(id, "second")).isEqualTo(2);
        assertThat(stack.run(id).path("attempt").asInt()).isEqualTo(2);
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void resumeOnTheCurrentVersionShowsThePlanThenCompletesTheRunWithoutRepeatingTheKeptStep() throws Exception {
        String id = stack.launch("fixable", Map.of("target", target.url()));
        assertThat(stack.awaitTerminal(id, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("FAILED");
        assertThat(target.hits(id, "first")).isEqualTo(1);
        // the fix is published: version 2 of the file, resynced
        stack.writeWorkflow("fixable", FIXABLE.replace("FIX", """
                  - id: check
                    uses: transform
                    with: { value: fixed }
                """));
        assertThat(stack.call("POST", "/api/v1/workflows/resync", null, Map.of()).status()).isEqualTo(200);

        open("/runs/" + id, admin());
        waitText(By.id("run-status"), "FAILED");
        waitFor(By.id("resume-current")).click();
        waitText(By.id("resume-plan"), "Resume on version 2 (the run ran version 1)");
        assertThat(waitFor(By.id("resume-plan-kept")).getText()).isEqualTo("first");
        assertThat(waitFor(By.id("resume-plan-run")).getText()).isEqualTo("check");
        assertThat(stack.run(id).path("attempt").asInt()).as("the plan changed nothing").isEqualTo(1);
        shot("run-resume-plan");
        axe("run-resume-plan");

        waitFor(By.id("resume-current-apply")).click();
        waitText(By.id("action-outcome"), "Resumed on version 2");
        waitText(By.id("run-status"), "SUCCEEDED");
        waitStep("check", "SUCCEEDED");

        JsonNode run = stack.run(id);
        assertThat(run.path("workflow").path("versionSeq").asInt()).isEqualTo(2);
        assertThat(run.path("attempt").asInt()).isEqualTo(2);
        assertThat(target.hits(id, "first")).as("the kept step was not called again").isEqualTo(1);
    }

    @Test
    @Order(4)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void replayChangingNothingLandsOnTheNewRunAndTheTargetGetsTheRealSecret() throws Exception {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("apiKey", SECRET);
        inputs.put("target", target.url());
        String original = stack.launch("keyed", inputs);
        assertThat(stack.awaitTerminal(original, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("SUCCEEDED");

        open("/runs/" + original, admin());
        waitText(By.id("run-status"), "SUCCEEDED");
        waitFor(By.id("replay")).click();
        WebElement form = waitFor(By.id("replay-form"));
        WebElement secret = form.findElement(By.name("apiKey"));
        assertThat(secret.getAttribute("value")).as("a secret is shown empty, meaning unchanged").isEmpty();
        assertThat(secret.getAttribute("placeholder")).isEqualTo("unchanged");
        assertThat(form.findElement(By.name("target")).getAttribute("value")).isEqualTo(target.url());
        assertThat(form.getText()).doesNotContain("[REDACTED]");
        shot("run-replay-dialog");
        axe("run-replay-dialog");
        form.findElement(By.id("replay-submit")).click();

        new WebDriverWait(driver, WAIT).withMessage(() -> "a new run's page, not " + driver.getCurrentUrl())
                .until(d -> d.getCurrentUrl().contains("/runs/") && !d.getCurrentUrl().endsWith(original));
        String replay = runIdFromUrl();
        waitText(By.id("run-status"), "SUCCEEDED");
        assertThat(driver.findElement(By.id("main")).getText()).contains(original.substring(0, 8));
        assertThat(stack.run(replay).path("replayOf").asText()).isEqualTo(original);
        assertThat(target.authorizations(replay, "call")).as("what the replay sent the target")
                .containsExactly("Bearer " + SECRET);
    }

    @Test
    @Order(5)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void withTheWorkerStoppedTheBannersSayWhatIsWrongAndClearWhenItStarts() throws Exception {
        String waiting = stack.launch("order", Map.of("ticket", "T-500", "apiKey", "k-500", "target", target.url()));
        stack.awaitEventWait(waiting, Duration.ofSeconds(60));
        stack.stopWorker("worker");
        open("/", admin());
        WebElement banner = waitFor(By.id("no-worker-banner"));
        assertThat(banner.getText()).contains("No worker is running");

        // a run that got as far as its wait: it can't take a signal or fire a timer without a worker
        open("/runs/" + waiting, null);
        WebElement stuckWaiting = waitFor(By.id("stuck-banner"));
        assertThat(stuckWaiting.getText()).contains("cannot go on").contains("no worker polls the queue");

        String id = stack.launch("flaky", Map.of("target", target.url()));
        open("/runs/" + id, null);
        waitFor(By.id("no-worker-banner"));
        WebElement stuck = waitFor(By.id("stuck-banner"));
        assertThat(stuck.getText()).contains("cannot start").contains("no worker polls the queue")
                .contains("start a workflow-worker");
        shot("run-stuck-no-worker");
        axe("run-stuck");

        stack.startWorker("worker");
        new WebDriverWait(driver, Duration.ofSeconds(60)).withMessage("the no-worker banner clears")
                .until(ExpectedConditions.invisibilityOfElementLocated(By.id("no-worker-banner")));
        waitText(By.id("run-status"), "SUCCEEDED");
        assertThat(driver.findElements(By.id("stuck-banner"))).as("the stuck banner cleared").isEmpty();
        assertThat(target.hits(id, "first")).isEqualTo(1);

        assertThat(stack.signal(waiting, "approval", "T-500", Map.of("user", "ann"))).isEqualTo(202);
        assertThat(stack.awaitTerminal(waiting, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("SUCCEEDED");
    }
}
