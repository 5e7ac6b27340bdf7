package io.stepwise.core.runtime;

import io.stepwise.core.expr.ExpressionException;
import io.stepwise.core.expr.Expressions;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Determinism guard (ARCHITECTURE.md, "Determinism rules"): histories recorded from
 * {@link AuthoredWorkflowTest} must replay against the current interpreter. A change that alters
 * the command sequence of an existing history fails here; put it behind {@code Workflow.getVersion}.
 */
class InterpreterReplayTest {
    private static final Path HISTORIES = Path.of("src/test/resources/histories");

    /**
     * Loads the interpreter's class (its parser, the action catalog, CEL) before the first replay:
     * on a busy machine doing that inside the workflow thread took over the SDK's 1 s deadlock
     * detection and failed the first history for a reason that has nothing to do with determinism.
     */
    @BeforeAll
    static void loadTheInterpreter() throws ClassNotFoundException, ExpressionException {
        Class.forName(AuthoredWorkflowImpl.class.getName());
        Expressions.compile("1 + 1");
    }

    @TestFactory
    Stream<DynamicTest> recordedHistoriesReplayWithTheCurrentInterpreter() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(HISTORIES)) {
            files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).as("recorded histories").hasSizeGreaterThanOrEqualTo(5);
        return files.stream().map(file -> DynamicTest.dynamicTest(file.getFileName().toString(), () ->
                WorkflowReplayer.replayWorkflowExecution(Files.readString(file), AuthoredWorkflowImpl.class)));
    }
}
