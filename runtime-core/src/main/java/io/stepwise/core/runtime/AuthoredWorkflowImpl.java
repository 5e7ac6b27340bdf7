package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.Step;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.expr.ExpressionException;
import io.stepwise.core.expr.Template;
import io.stepwise.core.expr.Variables;
import io.stepwise.core.redact.Redactor;
import io.stepwise.core.runtime.StepArguments.InvalidStepArgument;
import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks an authored definition step by step. Side effects run in activities; {@code transform},
 * {@code noop}, {@code fail} and every expression run here, deterministically. Every transition
 * is queued for the run's projection, which {@link ProjectionWriter} sends off the steps' path
 * (docs/projection.md).
 */
public class AuthoredWorkflowImpl implements AuthoredWorkflow {
    private static final ParsedDefinitions<LoadResult> PARSED = new ParsedDefinitions<>();
    private static final Logger LOG = Workflow.getLogger(AuthoredWorkflowImpl.class);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final WorkflowParser PARSER = new WorkflowParser(ActionCatalog.discover());

    /** A local activity: its result is still recorded in history, without a task-queue round trip. */
    private final DefinitionActivities definitions = Workflow.newLocalActivityStub(DefinitionActivities.class,
            LocalActivityOptions.newBuilder().setStartToCloseTimeout(Duration.ofSeconds(30))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(10).build()).build());
    /** The run's projection writes, sent in order off the steps' path. */
    private final ProjectionWriter projection;

    private final Set<String> currentSteps = new LinkedHashSet<>();
    /** Its time and event waits, and the events it holds for them. */
    private final RunWaits waits;
    private RunInput input;
    /** Secret inputs' values are cut out of log messages and error messages before they leave the workflow. */
    private Redactor redactor = Redactor.none();

    /** The worker's caps; what a run keeps is {@link #limits}, recorded in its history. */
    private final RunLimits configuredLimits;
    private RunLimits limits = RunLimits.NONE;

    /** How a run sends its projection writes; see docs/projection.md, "Fast path". */
    public enum ProjectionPath {
        /** Local activities only (runs started before issue 11 replay this way). */
        LOCAL,
        /** Ordinary activities only (runs started between issue 11 and issue 14). */
        ACTIVITY,
        /** Local activities under a short budget until one write is slow or fails, then ordinary ones. */
        FAST_THEN_ACTIVITY
    }

    /** The interpreter with the default caps. */
    public AuthoredWorkflowImpl() {
        this(RunLimits.DEFAULTS);
    }

    /** The interpreter as workers register it, with the worker's caps ({@link RunLimits}). */
    public AuthoredWorkflowImpl(RunLimits limits) {
        this(ProjectionPath.FAST_THEN_ACTIVITY, limits);
    }

    /** @param path how new runs write their projection: kept to measure the paths against each other */
    protected AuthoredWorkflowImpl(ProjectionPath path) {
        this(path, RunLimits.DEFAULTS);
    }

    private AuthoredWorkflowImpl(ProjectionPath path, RunLimits limits) {
        this.configuredLimits = limits;
        this.projection = new ProjectionWriter(path);
        this.waits = new RunWaits(projection);
    }

    /** A step failed; carries the failure as the run reports it. */
    static final class StepFailed extends RuntimeException {
        final RunError error;
        /** How many times the action ran, when known. */
        final int attempts;

        StepFailed(RunError error) {
            this(error, 1);
        }

        StepFailed(RunError error, int attempts) {
            super(error.message(), null, false, false);
            this.error = error;
            this.attempts = attempts;
        }
    }

    /** The outcome of one step: status and output, as later expressions see it. */
    private record Outcome(StepStatus status, JsonNode output) {
    }

    /** Where steps run: the path prefix, the variables, and the outcomes visible to expressions. */
    private record Scope(String pathPrefix, Variables base, Map<String, Outcome> steps) {
        Variables variables() {
            ObjectNode view = NODES.objectNode();
            steps.forEach((id, o) -> {
                ObjectNode entry = NODES.objectNode();
                entry.set("output", o.output() == null ? NODES.nullNode() : o.output());
                entry.put("status", o.status().name());
                view.set(id, entry);
            });
            return base.with("steps", view);
        }

        Scope child(String prefix, Variables base) {
            return new Scope(prefix, base, new LinkedHashMap<>(steps));
        }
    }

    @Override
    public RunResult run(RunInput runInput) {
        this.input = runInput;
        projection.choosePath(input.runId());
        this.limits = RunLimits.recordedFor(configuredLimits);
        waits.start(input, limits);
        projection.start();
        write(new ProjectionChange.RunStarted(input.runId(), input.attempt(), now()));
        WorkflowDefinition definition;
        try {
            definition = load(input.versionId());
        } catch (StepFailed e) {
            return finish(RunStatus.FAILED, null, e.error);
        }
        redactor = Redactor.forRun(definition, input.inputs());
        projection.redactWith(redactor);
        projection.release();
        ObjectNode run = NODES.objectNode();
        run.put("id", input.runId());
        run.put("workflow", input.workflowRef());
        run.put("attempt", input.attempt());
        Variables base = Variables.of(Map.of(
                "inputs", input.inputs() == null ? NODES.objectNode() : input.inputs(),
                "run", run));
        Scope scope = new Scope("", base, new LinkedHashMap<>());
        try {
            if (definition.timeout() == null) {
                runSteps(definition.steps(), scope);
            } else {
                runWithTimeout(definition, scope);
            }
        } catch (StepFailed e) {
            return finish(RunStatus.FAILED, null, e.error);
        } catch (CanceledFailure e) {
            Workflow.newDetachedCancellationScope(() -> {
                cancelCurrentSteps();
                write(new ProjectionChange.RunFinished(input.runId(), input.attempt(), now(), RunStatus.CANCELED, null,
                        new RunError(null, "the run was canceled", "Canceled")));
                projection.flush();
            }).run();
            throw e;
        }
        JsonNode output = outputs(definition, scope);
        return finish(RunStatus.SUCCEEDED, output, null);
    }

    @Override
    public void event(EventSignal signal) {
        waits.offer(signal);
    }

    @Override
    public RunState state() {
        EventBuffer buffered = waits.buffered();
        return new RunState(List.copyOf(currentSteps), List.copyOf(waits.open()), buffered.size(),
                buffered.limit(), buffered.dropped());
    }

    /** Queues a change for the projection, with secret values already cut out (docs/security.md). */
    private void write(ProjectionChange change) {
        projection.put(change);
    }

    private static String now() {
        return Instant.ofEpochMilli(Workflow.currentTimeMillis()).toString();
    }

    private void cancelCurrentSteps() {
        for (String path : List.copyOf(currentSteps)) {
            write(new ProjectionChange.StepFinished(input.runId(), input.attempt(), now(), path, StepStatus.CANCELED,
                    null, null, 0));
        }
        currentSteps.clear();
    }

    private RunResult finish(RunStatus status, JsonNode output, RunError error) {
        write(new ProjectionChange.RunFinished(input.runId(), input.attempt(), now(), status, output, error));
        projection.flush();
        if (status == RunStatus.FAILED) {
            throw ApplicationFailure.newNonRetryableFailure(error.message(), error.type(), error);
        }
        return new RunResult(status, output, error);
    }

    /**
     * Parses a definition's stored JSON into the worker's cache, for the activity that loads it:
     * there the parse runs on an activity thread. In a workflow thread, the first runs of a new
     * version on a cold worker (a hundred at once, each compiling the same expressions on two
     * cores) took over the SDK's 1 s deadlock detection and failed their workflow tasks. A text
     * that does not parse is left for the workflow to report.
     */
    public static void parseAhead(String canonical) {
        try {
            parsed(canonical);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AuthoredWorkflowImpl.class).debug("definition_not_parsed_ahead reason={}", e.toString());
        }
    }

    private static LoadResult parsed(String canonical) {
        return PARSED.get(canonical, text -> {
            try {
                return PARSER.fromStoredJson(JSON.readTree(text));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    private WorkflowDefinition load(String versionId) {
        String canonical = definitions.loadDefinition(versionId);
        LoadResult loaded;
        try {
            loaded = parsed(canonical);
        } catch (Exception e) {
            throw new StepFailed(new RunError(null, "definition version " + versionId + " is not readable JSON", "DefinitionInvalid"));
        }
        if (!loaded.valid()) {
            throw new StepFailed(new RunError(null, "definition version " + versionId + " does not load here: "
                    + loaded.summary(), "DefinitionInvalid"));
        }
        return loaded.definition();
    }

    private void runWithTimeout(WorkflowDefinition definition, Scope scope) {
        List<Promise<Void>> body = new ArrayList<>();
        CancellationScope cancellable = Workflow.newCancellationScope(
                () -> body.add(Async.procedure(() -> runSteps(definition.steps(), scope))));
        cancellable.run();
        Promise<Void> timer = Workflow.newTimer(definition.timeout());
        Promise.anyOf(body.get(0), timer).get();
        if (!body.get(0).isCompleted()) {
            cancellable.cancel();
            try {
                body.get(0).get();
            } catch (CanceledFailure | StepFailed | ActivityFailure ignored) {
                // the run's own timeout ended it; that is the failure to report
            }
            cancelCurrentSteps();
            throw new StepFailed(new RunError(null, "the run did not finish within its timeout of "
                    + definition.timeout(), "RunTimeout"));
        }
        body.get(0).get();
    }

    private void runSteps(List<Step> steps, Scope scope) {
        for (Step step : steps) {
            runStep(step, scope);
        }
    }

    private void runStep(Step step, Scope scope) {
        String path = scope.pathPrefix() + step.id();
        RecordedStep recorded = input.recorded().get(path);
        if (recorded != null) {
            scope.steps().put(step.id(), new Outcome(recorded.status(), recorded.output()));
            return;
        }
        String uses = step.isLoop() ? "forEach" : step.uses();
        if (step.when() != null && !isTrue(evaluate(step.when(), scope, path, "when"), path)) {
            write(new ProjectionChange.StepFinished(input.runId(), input.attempt(), now(), path, StepStatus.SKIPPED,
                    null, null, 0));
            scope.steps().put(step.id(), new Outcome(StepStatus.SKIPPED, null));
            return;
        }
        write(new ProjectionChange.StepStarted(input.runId(), input.attempt(), now(), path, uses));
        currentSteps.add(path);
        try {
            int[] attempts = {1};
            JsonNode output;
            try {
                output = execute(step, scope, path, attempts);
            } catch (InvalidStepArgument e) {
                throw new StepFailed(new RunError(path, e.getMessage(), "InvalidArgument"));
            }
            currentSteps.remove(path);
            write(new ProjectionChange.StepFinished(input.runId(), input.attempt(), now(), path, StepStatus.SUCCEEDED,
                    output, null, attempts[0]));
            scope.steps().put(step.id(), new Outcome(StepStatus.SUCCEEDED, output));
        } catch (StepFailed failed) {
            currentSteps.remove(path);
            RunError error = new RunError(failed.error.step() == null ? path : failed.error.step(),
                    redactor.redact(failed.error.message()), failed.error.type());
            write(new ProjectionChange.StepFinished(input.runId(), input.attempt(), now(), path, StepStatus.FAILED,
                    null, error, failed.attempts));
            scope.steps().put(step.id(), new Outcome(StepStatus.FAILED, null));
            if (!step.continueOnError()) {
                throw new StepFailed(error, failed.attempts);
            }
            LOG.info("step_failed_continuing run_id={} step={} error_type={}", input.runId(), path, error.type());
        }
    }

    private JsonNode execute(Step step, Scope scope, String path, int[] attempts) {
        if (step.isLoop()) {
            return forEach(step, scope, path);
        }
        return switch (step.uses()) {
            case ActionCatalog.TRANSFORM -> {
                JsonNode with = evaluate(step.with(), scope, path, "with");
                yield with.path("value").isMissingNode() ? NODES.nullNode() : with.get("value");
            }
            case ActionCatalog.NOOP -> evaluate(step.with(), scope, path, "with");
            case ActionCatalog.FAIL -> {
                JsonNode with = evaluate(step.with(), scope, path, "with");
                String message = with.hasNonNull("message") ? Template.asText(with.get("message")) : "failed by step " + path;
                throw new StepFailed(new RunError(path, message, "StepFailed"));
            }
            case ActionCatalog.TIME_WAIT -> waits.time(path, evaluate(step.with(), scope, path, "with"));
            case ActionCatalog.EVENT_WAIT -> waits.event(path, evaluate(step.with(), scope, path, "with"));
            case ActionCatalog.LOG -> Workflow.getVersion(LOG_IN_WORKFLOW, Workflow.DEFAULT_VERSION, 1) == 1
                    ? ActionActivitiesImpl.writeLog(STEP_LOG, input.runId(), path, redactedLog(step, scope, path))
                    : action(step, scope, path, attempts);
            default -> action(step, scope, path, attempts);
        };
    }

    /**
     * The version marker of {@code log} steps moving into workflow code: a log line needs no
     * activity (a task-queue round trip, three events and one more workflow task per step). Runs
     * started before keep their log activities.
     */
    static final String LOG_IN_WORKFLOW = "log-in-workflow";
    /** The logger log steps wrote through as activities; replay-aware here, so a replay writes nothing. */
    private static final Logger STEP_LOG = Workflow.getLogger(ActionActivitiesImpl.class);

    // ---- actions as activities -----------------------------------------------------------------

    /** A log step's {@code with}, evaluated; what it writes is for people: secrets never reach the line. */
    private JsonNode redactedLog(Step step, Scope scope, String path) {
        JsonNode with = evaluate(step.with(), scope, path, "with");
        if (!with.isObject()) {
            return with;
        }
        ObjectNode redacted = ((ObjectNode) with).deepCopy();
        redacted.put("message", redactor.redact(Template.asText(with.get("message"))));
        return redacted;
    }

    private JsonNode action(Step step, Scope scope, String path, int[] attempts) {
        JsonNode with = ActionCatalog.LOG.equals(step.uses()) ? redactedLog(step, scope, path)
                : evaluate(step.with(), scope, path, "with");
        ActivityOptions options = ActionOptions.of(step, with);
        ActionActivities activities = Workflow.newActivityStub(ActionActivities.class, options);
        try {
            ActionActivities.Outcome outcome = activities.execute(
                    new ActionActivities.Invocation(input.runId(), path, input.attempt(), step.uses(), with));
            attempts[0] = outcome.attempts();
            return outcome.output() == null ? NODES.nullNode() : outcome.output();
        } catch (ActivityFailure failure) {
            Throwable cause = failure.getCause();
            if (cause instanceof CanceledFailure canceled) {
                throw canceled;
            }
            int tried = 1;
            String type = "ActionFailed";
            String message = failure.getMessage();
            if (cause instanceof ApplicationFailure app) {
                type = app.getType();
                message = app.getOriginalMessage();
                try {
                    tried = app.getDetails().get(Integer.class);
                } catch (RuntimeException noDetails) {
                    tried = 1;
                }
            } else if (cause instanceof TimeoutFailure timeout) {
                type = "ActionTimeout";
                message = "action " + step.uses() + " timed out (" + timeout.getTimeoutType() + ")";
                tried = ActionOptions.attemptsOf(failure, options);
            }
            throw new StepFailed(new RunError(path, message, type), tried);
        }
    }

    // ---- forEach -------------------------------------------------------------------------------

    private JsonNode forEach(Step step, Scope scope, String path) {
        JsonNode items = evaluate(step.forEach().items(), scope, path, "forEach.items");
        if (items.isNull()) {
            items = NODES.arrayNode();
        }
        if (!items.isArray()) {
            throw new StepFailed(new RunError(path, "forEach.items must give a list, not " + items.getNodeType(),
                    "InvalidArgument"));
        }
        int n = items.size();
        if (n > limits.maxForEachItems()) {
            throw new StepFailed(new RunError(path, "forEach.items has " + n + " items; the limit is "
                    + limits.maxForEachItems() + " (stepwise.worker.max-foreach-items)", "LimitExceeded"));
        }
        JsonNode[] results = new JsonNode[n];
        List<Promise<Void>> running = new ArrayList<>();
        List<Promise<Void>> all = new ArrayList<>();
        StepFailed[] firstFailure = new StepFailed[1];
        int limit = step.forEach().concurrency();
        for (int i = 0; i < n && firstFailure[0] == null; i++) {
            while (running.size() >= limit) {
                Promise.anyOf(running).get();
                running.removeIf(Promise::isCompleted);
            }
            int index = i;
            Variables vars = scope.base().with("item", items.get(i)).with("index", NODES.numberNode(i));
            Scope iteration = scope.child(path + "[" + i + "]" + ".", vars);
            Promise<Void> p = Async.procedure(() -> {
                try {
                    runSteps(step.forEach().steps(), iteration);
                    String last = step.forEach().steps().get(step.forEach().steps().size() - 1).id();
                    Outcome o = iteration.steps().get(last);
                    results[index] = o == null || o.output() == null ? NODES.nullNode() : o.output();
                } catch (StepFailed f) {
                    if (firstFailure[0] == null) {
                        firstFailure[0] = f;
                    }
                }
            });
            running.add(p);
            all.add(p);
        }
        Promise.allOf(all).get();
        if (firstFailure[0] != null) {
            throw firstFailure[0];
        }
        ArrayNode out = NODES.arrayNode();
        for (JsonNode r : results) {
            out.add(r);
        }
        return out;
    }

    // ---- expressions -----------------------------------------------------------------------------

    private JsonNode evaluate(Template template, Scope scope, String path, String field) {
        if (template == null) {
            return NODES.nullNode();
        }
        if (template.isLiteral()) {
            return template.raw() == null ? NODES.nullNode() : template.raw();
        }
        try {
            return template.evaluate(scope.variables());
        } catch (ExpressionException e) {
            throw new StepFailed(new RunError(path, field + ": " + e.getMessage(), "ExpressionError"));
        }
    }

    private static boolean isTrue(JsonNode value, String path) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        throw new StepFailed(new RunError(path, "'when' must give true or false, not " + value, "ExpressionError"));
    }

    /** Outputs whose expression can't be evaluated (a skipped step's output) are null, as in GitHub Actions. */
    private JsonNode outputs(WorkflowDefinition definition, Scope scope) {
        if (definition.outputs().isEmpty()) {
            return NODES.nullNode();
        }
        ObjectNode out = NODES.objectNode();
        Variables vars = scope.variables();
        definition.outputs().forEach((name, template) -> {
            try {
                out.set(name, template.evaluate(vars));
            } catch (ExpressionException e) {
                LOG.warn("output_unavailable run_id={} output={} reason={}", input.runId(), name,
                        redactor.redact(e.getMessage()));
                out.putNull(name);
            }
        });
        return out;
    }
}
