package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.actions.DestinationPolicy;
import io.stepwise.core.actions.HttpRequestAction;
import io.stepwise.core.actions.HttpRequestPolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A worker whose http.request may not reach this host: a refusal is the step's and the run's error, and is not retried. */
class HttpGuardrailsWorkflowTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final TestHttpServer HTTP = startServer();
    static final InMemoryDefinitions DEFINITIONS = new InMemoryDefinitions();
    static final InMemoryProjection PROJECTION = new InMemoryProjection();

    @RegisterExtension
    static final TestWorkflowExtension TEMPORAL = TestWorkflowExtension.newBuilder()
            .registerWorkflowImplementationTypes(AuthoredWorkflowImpl.class)
            .setActivityImplementations(DEFINITIONS, PROJECTION, new ActionActivitiesImpl(ActionCatalog.discover(),
                    new HttpRequestAction(new HttpRequestPolicy(HttpRequestPolicy.DEFAULT_MAX_RESPONSE_BYTES,
                            DestinationPolicy.of(List.of("127.0.0.0/8", "::1"), List.of())))))
            .build();

    private static TestHttpServer startServer() {
        try {
            return new TestHttpServer();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stopServer() {
        HTTP.close();
    }

    @Test
    void aDeniedDestinationFailsTheStepAndTheRunWithThePolicysMessage(WorkflowClient client, WorkflowOptions options)
            throws IOException {
        String yaml = """
                apiVersion: stepwise/v1
                kind: Workflow
                name: denied
                steps:
                  - id: call
                    uses: http.request
                    with: { method: GET, url: "%s" }
                    retry: { maxAttempts: 3, initialInterval: 1s }
                """.formatted(HTTP.url("/json"));
        String versionId = DEFINITIONS.add(yaml);
        String runId = UUID.randomUUID().toString();
        AuthoredWorkflow wf = client.newWorkflowStub(AuthoredWorkflow.class, WorkflowOptions.newBuilder(options)
                .setWorkflowId(RuntimeContract.workflowId(runId)).build());
        WorkflowClient.start(wf::run, new RunInput(runId, "test.denied", versionId, JSON.readTree("{}"), 1, Map.of()));

        assertThatThrownBy(() -> WorkflowStub.fromTyped(wf).getResult(RunResult.class))
                .isInstanceOf(WorkflowFailedException.class);

        String message = "destination 127.0.0.1 is denied by stepwise.http.deny (127.0.0.0/8)";
        InMemoryProjection.StepRecord call = PROJECTION.step(runId, "call", 1);
        assertThat(call.status()).isEqualTo(StepStatus.FAILED);
        assertThat(call.error().type()).isEqualTo(HttpRequestAction.DESTINATION_DENIED);
        assertThat(call.error().message()).isEqualTo(message);
        assertThat(call.attempts()).as("a refusal is not retried").isEqualTo(1);
        assertThat(PROJECTION.run(runId).status()).isEqualTo(RunStatus.FAILED);
        assertThat(PROJECTION.run(runId).error()).isEqualTo(new RunError("call", message, HttpRequestAction.DESTINATION_DENIED));
        assertThat(HTTP.hits("/json")).as("no request reached the server").isZero();
    }
}
