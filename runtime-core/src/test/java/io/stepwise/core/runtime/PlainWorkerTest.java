package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Worker-safe (ARCHITECTURE.md, "Modules"): a JVM with nothing but runtime-core and its runtime
 * dependencies (the Temporal SDK, Jackson, CEL, slf4j) registers the interpreter and the built-in
 * activities on a plain Temporal worker and runs a workflow to the end over real gRPC.
 */
class PlainWorkerTest {

    @Test
    void interpreterRunsOnAPlainWorkerInABareJvm(@TempDir Path dir) throws Exception {
        String runtimeClasspath = Files.readString(Path.of("target/runtime.classpath")).strip();
        assertThat(runtimeClasspath).doesNotContain("junit", "assertj", "jqwik", "archunit", "temporal-testing",
                "quarkus");
        Path definition = dir.resolve("plain.yaml");
        Files.writeString(definition, """
                apiVersion: stepwise/v1
                kind: Workflow
                name: plain
                inputs:
                  who: { type: string }
                steps:
                  - id: hello
                    uses: log
                    with: { message: "hello ${{ inputs.who }}" }
                  - id: shape
                    uses: transform
                    with: { value: "${{ inputs.who + '!' }}" }
                  - id: pause
                    uses: time.wait
                    with: { duration: 50ms }
                outputs:
                  shout: ${{ steps.shape.output }}
                """);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (TestServer.PortBoundTestServer server = TestServer.createPortBoundServer(port, false)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process worker = new ProcessBuilder(java, "-cp",
                    "target/classes" + File.pathSeparator + "target/test-classes" + File.pathSeparator
                            + runtimeClasspath,
                    PlainWorkerMain.class.getName(), "127.0.0.1:" + port, definition.toString())
                    .redirectErrorStream(true).start();
            List<String> lines = new ArrayList<>();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(worker.getInputStream(), StandardCharsets.UTF_8));
                Thread reader = new Thread(() -> out.lines().forEach(l -> {
                    synchronized (lines) {
                        lines.add(l);
                    }
                }));
                reader.setDaemon(true);
                reader.start();

                WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(
                        WorkflowServiceStubsOptions.newBuilder().setTarget("127.0.0.1:" + port).build());
                WorkflowClient client = WorkflowClient.newInstance(service);
                String runId = UUID.randomUUID().toString();
                WorkflowStub stub = client.newUntypedWorkflowStub(RuntimeContract.WORKFLOW_TYPE,
                        WorkflowOptions.newBuilder().setTaskQueue(RuntimeContract.DEFAULT_TASK_QUEUE)
                                .setWorkflowId(RuntimeContract.workflowId(runId)).build());
                stub.start(new RunInput(runId, "demo.plain", "v1", new ObjectMapper().readTree("{\"who\": \"ann\"}"), 1, Map.of()));
                // a hang guard, not a speed check: the worker JVM needs a few seconds to start
                RunResult result = stub.getResult(120, TimeUnit.SECONDS, RunResult.class);

                assertThat(result.status()).isEqualTo(RunStatus.SUCCEEDED);
                assertThat(result.output().path("shout").asText()).isEqualTo("ann!");
                service.shutdown();
            } finally {
                worker.destroy();
                worker.waitFor(10, TimeUnit.SECONDS);
            }
            synchronized (lines) {
                assertThat(lines).contains("worker-started", "step-finished hello SUCCEEDED",
                        "step-finished shape SUCCEEDED", "wait-closed pause ELAPSED", "run-finished SUCCEEDED");
            }
        }
    }
}
