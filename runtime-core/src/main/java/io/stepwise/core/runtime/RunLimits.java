package io.stepwise.core.runtime;

import io.temporal.workflow.Workflow;

/**
 * The interpreter's caps on what one run may hold: items of one {@code forEach}, and events
 * buffered for an {@code event.wait} that has not asked for them yet. A worker setting
 * ({@code stepwise.worker.max-foreach-items}, {@code stepwise.worker.max-buffered-events}) that
 * each run records in its history when it starts (see {@link #recordedFor}), so that changing the
 * setting never changes what a running run does when it is replayed.
 */
public record RunLimits(int maxForEachItems, int maxBufferedEvents) {
    /** What a worker uses unless told otherwise. */
    public static final RunLimits DEFAULTS = new RunLimits(1000, 1000);
    /** What runs started before the caps existed replay with: they ran without any. */
    static final RunLimits NONE = new RunLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);
    /** The version marker of the move to recorded caps. */
    static final String RECORDED_LIMITS = "run-limits";

    public RunLimits {
        if (maxForEachItems < 1) {
            throw new IllegalArgumentException("stepwise.worker.max-foreach-items must be at least 1, not " + maxForEachItems);
        }
        if (maxBufferedEvents < 1) {
            throw new IllegalArgumentException("stepwise.worker.max-buffered-events must be at least 1, not " + maxBufferedEvents);
        }
    }

    /**
     * The caps this run keeps for its whole life: the worker's setting as it was when the run
     * started, read back from the run's history on replay (a side-effect marker). A run whose
     * history has no such marker started before the caps and replays without them.
     */
    static RunLimits recordedFor(RunLimits configured) {
        int version = Workflow.getVersion(RECORDED_LIMITS, Workflow.DEFAULT_VERSION, 1);
        if (version == Workflow.DEFAULT_VERSION) {
            return NONE;
        }
        return Workflow.sideEffect(RunLimits.class, () -> configured);
    }
}
