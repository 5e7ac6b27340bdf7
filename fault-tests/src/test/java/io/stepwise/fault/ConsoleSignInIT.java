package io.stepwise.fault;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signing in to the console in a real browser: the link with the token in its fragment, an expired
 * token, a pasted token, what a viewer is not offered, and axe on the sign-in and home pages.
 */
class ConsoleSignInIT extends ConsoleBase {
    static final String PARK = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: park
            version: "1"
            description: Waits for a signal named go.
            inputs:
              key: { type: string, required: true, description: the correlation key of the signal }
            steps:
              - id: hello
                uses: log
                with: { message: "parked ${{ run.id }}" }
              - id: go
                uses: event.wait
                with:
                  event: go
                  correlationKey: ${{ inputs.key }}
                  timeout: 30m
            """;

    static final List<String> ACTIONS = List.of("launch", "resume", "cancel", "replay", "signal");

    @Override
    void writePack(Stack stack) throws Exception {
        stack.writeWorkflow("park", PARK);
    }

    /** The home page is shown: its first section heading, the main nav and who is signed in. */
    void awaitHome(String who) {
        waitFor(By.id("counts-h"));
        waitFor(By.id("nav"));
        waitText(By.id("who"), who);
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theLinkWithTheTokenInItsFragmentSignsInAndTheTokenLeavesTheAddressBar() throws Exception {
        String token = stack.token();
        open("/", token);
        awaitHome("fault-admin (admin)");
        shot("home-admin");

        assertThat(driver.getCurrentUrl()).as("the address bar after sign-in").doesNotContain("token=")
                .isEqualTo(stack.api().base() + "/");
        assertThat(driver.findElements(By.id("token"))).as("the token field on the home page").isEmpty();
        assertThat(driver.executeScript("return sessionStorage.getItem('stepwise.token')")).isEqualTo(token);
        assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Stepwise");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anExpiredTokenLandsOnSignInWithTheReason() throws Exception {
        open("/runs", stack.token("fault-viewer", "stepwise.viewer", -600));
        WebElement reason = waitFor(By.id("signin-reason"));
        shot("signin-expired");

        assertThat(reason.getText()).contains("expired").contains("Sign in with a new one");
        assertThat(driver.getCurrentUrl()).doesNotContain("token=")
                .isEqualTo(stack.api().base() + "/signin?next=%2Fruns");
        assertThat(driver.findElement(By.id("token")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.id("nav")).isDisplayed()).as("the main nav while signed out").isFalse();
        assertThat(driver.executeScript("return sessionStorage.getItem('stepwise.token')")).isNull();
        axe("signin-expired");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aPastedTokenSignsInAndGoesToThePageAskedFor() throws Exception {
        open("/workflows", null);
        WebElement field = waitFor(By.id("token"));
        waitUrl("/signin?next=%2Fworkflows");
        By submit = By.cssSelector("form.signin button[type=submit]");

        field.sendKeys("not-a-token");
        driver.findElement(submit).click();
        waitText(By.id("signin-outcome"), "not a JWT");
        shot("signin-not-a-jwt");

        field.clear();
        field.sendKeys(stack.token("fault-operator", "stepwise.operator", 3600));
        driver.findElement(submit).click();
        waitUrl("/workflows");
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.not(ExpectedConditions.urlContains("/signin")));
        waitText(By.id("who"), "fault-operator (operator)");
        waitFor(By.cssSelector("a[href='/workflows/fault.park']"));
        shot("workflows-after-paste");
        assertThat(driver.getCurrentUrl()).isEqualTo(stack.api().base() + "/workflows");
        assertThat(driver.findElements(By.id("token"))).isEmpty();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aViewerIsOfferedNoActionOnAWorkflowOrARun() throws Exception {
        String run = stack.launch("park", Map.of("key", "viewer-" + System.nanoTime()));
        stack.awaitEventWait(run, java.time.Duration.ofSeconds(60));
        String viewer = stack.token("fault-viewer", "stepwise.viewer", 3600);

        open("/workflows/fault.park", viewer);
        waitText(By.cssSelector("h1 code.ref"), "fault.park");
        waitFor(By.id("versions-h"));
        waitText(By.id("who"), "fault-viewer (viewer)");
        shot("workflow-viewer");
        assertThat(present()).as("action buttons a viewer sees on the workflow page").isEmpty();
        assertThat(driver.findElements(By.id("launch-form"))).isEmpty();

        open("/runs/" + run, viewer);
        waitText(By.cssSelector("#run-status .status"), "WAITING");
        waitText(By.id("waits"), "go");
        shot("run-viewer");
        assertThat(present()).as("action buttons a viewer sees on a waiting run").isEmpty();
    }

    /** The control for the viewer test: the same pages offer an operator the actions, under those ids. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anOperatorIsOfferedTheActionsTheViewerIsNot() throws Exception {
        String run = stack.launch("park", Map.of("key", "operator-" + System.nanoTime()));
        stack.awaitEventWait(run, java.time.Duration.ofSeconds(60));
        String operator = stack.token("fault-operator", "stepwise.operator", 3600);

        open("/workflows/fault.park", operator);
        waitFor(By.id("launch"));
        shot("workflow-operator");
        axe("workflow-operator");

        open("/runs/" + run, operator);
        waitText(By.cssSelector("#run-status .status"), "WAITING");
        waitFor(By.id("cancel"));
        waitFor(By.id("signal"));
        waitFor(By.id("replay"));
        shot("run-operator");
        assertThat(driver.findElement(By.id("resume")).isDisplayed()).as("resume on a run that is not stuck").isFalse();
        axe("run-operator");
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theSignInAndHomePagesHaveNoSeriousAccessibilityViolations() throws Exception {
        open("/signin", null);
        waitFor(By.id("token"));
        shot("signin");
        axe("signin");

        open("/", stack.token());
        awaitHome("fault-admin (admin)");
        // the first refresh has answered: the tiles, or the box saying why they could not be read
        new WebDriverWait(driver, WAIT).until(ExpectedConditions.or(
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#counts .tiles")),
                ExpectedConditions.presenceOfElementLocated(By.cssSelector("#main > .notice-error"))));
        shot("home");
        axe("home");
    }

    /** The ids of the action buttons present in the page at all, shown or hidden. */
    List<String> present() {
        return ACTIONS.stream().filter(id -> !driver.findElements(By.id(id)).isEmpty()).toList();
    }
}
