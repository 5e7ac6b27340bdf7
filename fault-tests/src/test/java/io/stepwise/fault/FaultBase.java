package io.stepwise.fault;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One stack and one HTTP target per test; a failing test prints the tail of every service log. */
@ExtendWith(FaultBase.PrintLogs.class)
abstract class FaultBase {
    Stack stack;
    Target target;

    static final String LOAD = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: load
            version: "1"
            inputs:
              target: { type: string, required: true }
            steps:
              - id: call
                uses: http.request
                with:
                  method: GET
                  url: "${{ inputs.target }}/hit"
                  query: { run: "${{ run.id }}", step: call }
                  timeout: 5s
              - id: shape
                uses: transform
                with:
                  value: { ok: "${{ steps.call.output.body.ok }}" }
              - id: log1
                uses: log
                with: { message: "first ${{ run.id }}" }
              - id: log2
                uses: log
                with: { message: "second ${{ run.id }}" }
            """;

    static final String WAIT = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: wait
            version: "1"
            inputs:
              target: { type: string, required: true }
              key: { type: string, required: true }
            steps:
              - id: before
                uses: http.request
                with:
                  method: GET
                  url: "${{ inputs.target }}/hit"
                  query: { run: "${{ run.id }}", step: before }
                  timeout: 5s
              - id: go
                uses: event.wait
                with:
                  event: go
                  correlationKey: ${{ inputs.key }}
                  timeout: 10m
                  onTimeout: fail
              - id: after
                uses: http.request
                with:
                  method: GET
                  url: "${{ inputs.target }}/hit"
                  query: { run: "${{ run.id }}", step: after }
                  timeout: 5s
            """;

    static final String INFLIGHT = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: inflight
            version: "1"
            inputs:
              target: { type: string, required: true }
            steps:
              - id: first
                uses: http.request
                with:
                  method: GET
                  url: "${{ inputs.target }}/hit"
                  query: { run: "${{ run.id }}", step: first }
                  timeout: 5s
              - id: slow
                uses: http.request
                with:
                  method: GET
                  url: "${{ inputs.target }}/hit"
                  query: { run: "${{ run.id }}", step: slow }
                  timeout: 5s
                retry: { maxAttempts: 10, initialInterval: 1s }
              - id: done
                uses: log
                with: { message: "done ${{ run.id }}" }
            """;

    static final String TIMER = """
            apiVersion: stepwise/v1
            kind: Workflow
            name: timer
            version: "1"
            inputs:
              target: { type: string, required: true }
            steps:
              - id: pause
                uses: time.wait
                with: { duration: 40s }
              - id: after
                uses: http.request
                with:
                  method: GET
                  url: "${{ inputs.target }}/hit"
                  query: { run: "${{ run.id }}", step: after }
                  timeout: 5s
            """;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        target = new Target();
        stack = new Stack(info.getTestMethod().map(m -> m.getName()).orElse("fault"));
        stack.writeWorkflow("load", LOAD);
        stack.writeWorkflow("wait", WAIT);
        stack.writeWorkflow("inflight", INFLIGHT);
        stack.writeWorkflow("timer", TIMER);
        PrintLogs.current = stack;
    }

    @AfterEach
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
        if (target != null) {
            target.close();
        }
    }

    Map<String, Object> in() {
        return Map.of("target", target.url());
    }

    Map<String, Object> in(String key) {
        return Map.of("target", target.url(), "key", key);
    }

    /** Step statuses of a run's document that are not final (SUCCEEDED, FAILED, SKIPPED, CANCELED). */
    static List<String> unfinishedSteps(JsonNode doc) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : doc.path("steps")) {
            String st = s.path("status").asText();
            if (!List.of("SUCCEEDED", "FAILED", "SKIPPED", "CANCELED").contains(st)) {
                out.add(s.path("id").asText() + "=" + st);
            }
        }
        return out;
    }

    static List<String> openWaits(JsonNode doc) {
        List<String> out = new ArrayList<>();
        for (JsonNode w : doc.path("waits")) {
            if ("WAITING".equals(w.path("status").asText())) {
                out.add(w.path("stepPath").asText() + ":" + w.path("kind").asText());
            }
        }
        return out;
    }

    static final class PrintLogs implements TestExecutionExceptionHandler {
        static volatile Stack current;

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            if (current != null) {
                System.err.println("==== " + context.getDisplayName() + " failed: " + t + current.logTails());
            }
            throw t;
        }
    }
}
