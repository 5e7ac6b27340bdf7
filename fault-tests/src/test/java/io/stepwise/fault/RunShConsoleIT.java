package io.stepwise.fault;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The local stack as a new user starts it: {@code ./run.sh} (its own STEPWISE_HOME and free loopback
 * ports, the demo packs), then the console link it prints opened in Chromium, and a viewer token from
 * {@code ./run.sh token --role viewer}. Stopped the way a user stops it (SIGTERM, its Ctrl-C trap).
 */
class RunShConsoleIT extends ConsoleBase {
    private static final Pattern LINK = Pattern.compile("console:\\s+(http://127\\.0\\.0\\.1:\\d+/#token=\\S+)");
    private Path home;
    private Path out;
    private Process runSh;
    private int port;
    /** Every port ./run.sh is told to open: API, worker, both management interfaces, PostgreSQL, Temporal. */
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private String link;

    @Override
    boolean ownsStack() {
        return false;
    }

    @Override
    void writePack(Stack stack) {
        // ./run.sh serves the packs under deploy/packs
    }

    @Override
    String base() {
        return "http://127.0.0.1:" + port;
    }

    @BeforeAll
    void startRunSh() throws Exception {
        home = Path.of("target", "runsh-" + System.currentTimeMillis()).toAbsolutePath();
        Files.createDirectories(home);
        out = home.resolve("run.sh.out");
        port = Stack.freePort();
        ports.put("STEPWISE_PORT", port);
        for (String name : List.of("STEPWISE_WORKER_PORT", "STEPWISE_MANAGEMENT_PORT", "STEPWISE_WORKER_MANAGEMENT_PORT",
                "STEPWISE_DEV_PG_PORT", "STEPWISE_DEV_TEMPORAL_PORT")) {
            ports.put(name, Stack.freePort());
        }
        ProcessBuilder pb = new ProcessBuilder("bash", Stack.ROOT.resolve("run.sh").toString());
        Map<String, String> env = pb.environment();
        env.put("STEPWISE_HOME", home.toString());
        env.remove("STEPWISE_BIND");
        ports.forEach((name, value) -> env.put(name, Integer.toString(value)));
        pb.redirectErrorStream(true).redirectOutput(out.toFile());
        runSh = pb.start();
        Instant end = Instant.now().plus(Duration.ofMinutes(4));
        while (link == null) {
            String text = Files.readString(out, StandardCharsets.UTF_8);
            if (text.contains("run.sh: building")) {
                throw new IllegalStateException("run.sh started a build: package first (./mvnw -B package -DskipTests)\n" + text);
            }
            Matcher m = LINK.matcher(text);
            if (m.find()) {
                link = m.group(1);
            } else if (!runSh.isAlive() || Instant.now().isAfter(end)) {
                throw new IllegalStateException("run.sh printed no console link"
                        + (runSh.isAlive() ? " in 4 minutes" : " and exited " + runSh.exitValue()) + ":\n" + text);
            } else {
                Thread.sleep(500);
            }
        }
    }

    @AfterAll
    void stopRunSh() throws Exception {
        if (runSh == null) {
            return;
        }
        List<ProcessHandle> children = runSh.descendants().toList();
        runSh.destroy();
        if (!runSh.waitFor(60, TimeUnit.SECONDS)) {
            runSh.destroyForcibly();
        }
        for (ProcessHandle child : children) {
            child.destroyForcibly();
        }
    }

    @Override
    String failureReport() {
        String text;
        try {
            text = out == null ? "" : Files.readString(out) + "\n---- api.log ----\n"
                    + Stack.tail(home.resolve("logs/api.log"), 60);
        } catch (IOException e) {
            text = e.toString();
        }
        return super.failureReport() + "\n---- run.sh ----\n" + text;
    }

    private String runShToken(String role) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", Stack.ROOT.resolve("run.sh").toString(), "token", "--role", role);
        pb.environment().put("STEPWISE_HOME", home.toString());
        Process p = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String token = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("./run.sh token --role " + role + ": " + token).isZero();
        return token;
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theLinkRunShPrintsSignsInAndTheTokenLeavesTheAddressBar() throws Exception {
        driver.get(link);
        waitFor(By.cssSelector("#counts .tiles"));
        assertThat(driver.getCurrentUrl()).isEqualTo(base() + "/");
        assertThat(waitFor(By.id("who")).getText()).contains("dev-admin (admin)");
        driver.findElement(By.linkText("Workflows")).click();
        waitFor(By.linkText("demo.hello-approval"));
        assertThat(waitFor(By.id("resync-dry")).isDisplayed()).as("an admin may resync").isTrue();
        shot("runsh-workflows");
    }

    @Test
    void everyPortRunShOpensListensOnLoopbackOnly() throws Exception {
        assumeTrue(ListeningSockets.readable(), "needs Linux's /proc/net/tcp");
        for (Map.Entry<String, Integer> p : ports.entrySet()) {
            assertThat(ListeningSockets.addresses(p.getValue())).as("%s (%d) listens on", p.getKey(), p.getValue())
                    .isNotEmpty().containsOnly("127.0.0.1");
        }
    }

    @Test
    void healthAndMetricsAnswerOnTheManagementPortsNotTheApi() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String api = base();
        String management = "http://127.0.0.1:" + ports.get("STEPWISE_MANAGEMENT_PORT");
        String workerManagement = "http://127.0.0.1:" + ports.get("STEPWISE_WORKER_MANAGEMENT_PORT");
        assertThat(status(http, api + "/q/health/ready")).isEqualTo(404);
        assertThat(status(http, api + "/q/metrics")).isEqualTo(404);
        assertThat(status(http, management + "/q/health/ready")).isEqualTo(200);
        assertThat(status(http, management + "/q/metrics")).isEqualTo(200);
        assertThat(status(http, workerManagement + "/q/health/ready")).isEqualTo(200);
        assertThat(status(http, workerManagement + "/q/metrics")).isEqualTo(200);
    }

    private static int status(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aViewerTokenFromRunShSeesTheWorkflowsButNoActions() throws Exception {
        String viewer = runShToken("viewer");
        open("/workflows", viewer);
        waitFor(By.linkText("demo.hello-approval")).click();
        waitFor(By.id("versions-h"));
        assertThat(waitFor(By.id("who")).getText()).contains("(viewer)");
        assertThat(driver.findElements(By.id("launch"))).as("no Launch for a viewer").isEmpty();
        open("/workflows", null);
        waitFor(By.linkText("demo.hello-approval"));
        assertThat(driver.findElements(By.id("resync-dry"))).as("no Resync for a viewer").isEmpty();
    }
}
