package io.stepwise.core.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stepwise.core.expr.Template;
import io.stepwise.core.runtime.AuthoredWorkflowImpl.StepFailed;
import io.stepwise.core.runtime.StepArguments.InvalidStepArgument;
import io.temporal.workflow.Workflow;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A run's waits, {@code time.wait} and {@code event.wait} (DSL.md), and the events it holds until
 * a wait takes them. Each wait that opens or closes is queued for the projection; the open ones
 * are what the run's state query shows.
 */
final class RunWaits {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final EventBuffer buffered = new EventBuffer();
    private final Map<String, RunState.OpenWait> open = new LinkedHashMap<>();
    private final ProjectionWriter projection;
    private RunInput input;

    RunWaits(ProjectionWriter projection) {
        this.projection = projection;
    }

    /** The run has started with these caps; signals that came before are already held. */
    void start(RunInput input, RunLimits limits) {
        this.input = input;
        buffered.limitTo(limits.maxBufferedEvents(), input.runId());
    }

    /** An event signal: held until a wait takes it (or dropped past the cap, see {@link EventBuffer}). */
    void offer(EventSignal signal) {
        buffered.offer(signal, open.values());
    }

    Collection<RunState.OpenWait> open() {
        return open.values();
    }

    EventBuffer buffered() {
        return buffered;
    }

    /** A durable timer for {@code with.duration}, until {@code with.until}, or what a resumed run's timer had left. */
    JsonNode time(String path, JsonNode with) {
        Duration wait;
        try {
            String resumedDue = input.timersDue().get(path);
            if (resumedDue != null) {
                // a resumed run waits only for the time this timer had left
                wait = Duration.between(now(), Instant.parse(resumedDue));
            } else if (with.hasNonNull("until")) {
                wait = Duration.between(now(), Instant.parse(with.get("until").asText()));
            } else {
                wait = StepArguments.positiveDuration(with, "duration");
                if (wait == null) {
                    throw new InvalidStepArgument("with.duration: a duration or 'until' is required");
                }
            }
        } catch (InvalidStepArgument e) {
            throw e;
        } catch (RuntimeException e) {
            throw new StepFailed(new RunError(path, "time.wait: " + e.getMessage(), "InvalidArgument"));
        }
        if (wait.isNegative() || wait.isZero()) {
            return NODES.nullNode();
        }
        opened(path, new RunState.OpenWait(path, "TIMER", null, null, now().plus(wait).toString()));
        Workflow.sleep(wait);
        closed(path, "ELAPSED");
        return NODES.nullNode();
    }

    /** The first held or arriving event of {@code with.event} (and its correlation key): its payload. */
    JsonNode event(String path, JsonNode with) {
        String event = with.path("event").asText();
        String key = with.hasNonNull("correlationKey") ? Template.asText(with.get("correlationKey")) : null;
        Duration timeout = StepArguments.positiveDuration(with, "timeout");
        boolean continueOnTimeout = "continue".equals(with.path("onTimeout").asText("fail"));
        EventSignal match = buffered.takeMatch(event, key);
        if (match != null) {
            return payload(match);
        }
        String dueAt = timeout == null ? null : now().plus(timeout).toString();
        opened(path, new RunState.OpenWait(path, "EVENT", event, key, dueAt));
        boolean arrived;
        if (timeout == null) {
            Workflow.await(() -> buffered.hasMatch(event, key));
            arrived = true;
        } else {
            arrived = Workflow.await(timeout, () -> buffered.hasMatch(event, key));
        }
        if (!arrived) {
            closed(path, "TIMED_OUT");
            if (continueOnTimeout) {
                return NODES.nullNode();
            }
            throw new StepFailed(new RunError(path, "no '" + event + "' event"
                    + (key == null ? "" : " with correlation key '" + key + "'") + " arrived within " + timeout,
                    "EventWaitTimeout"));
        }
        closed(path, "SIGNALED");
        return payload(buffered.takeMatch(event, key));
    }

    private static JsonNode payload(EventSignal signal) {
        return signal.payload() == null ? NODES.nullNode() : signal.payload();
    }

    private static Instant now() {
        return Instant.ofEpochMilli(Workflow.currentTimeMillis());
    }

    private void opened(String path, RunState.OpenWait wait) {
        open.put(path, wait);
        projection.put(new ProjectionChange.WaitOpened(input.runId(), input.attempt(), now().toString(), path,
                wait.kind(), wait.event(), wait.correlationKey(), wait.dueAt()));
    }

    private void closed(String path, String outcome) {
        open.remove(path);
        projection.put(new ProjectionChange.WaitClosed(input.runId(), input.attempt(), now().toString(), path, outcome));
    }
}
