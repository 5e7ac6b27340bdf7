package io.stepwise.core.runtime;

import io.temporal.testing.WorkflowReplayer;
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
