package io.stepwise.core.runtime;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Writes what a run is doing to the store the API reads: run started/finished, step
 * started/finished (with attempt, output or error), wait opened/closed. The interpreter sends
 * the changes in order (an array, so that each element keeps its JSON type id), several per call
 * when they pile up: as local activities while writes are fast, as ordinary activities after one
 * was slow or failed (docs/projection.md). Every change
 * is idempotent by (run id, step path, attempt): a retried call changes nothing more.
 * Implementations usually extend {@link RunProjectionHandler}.
 */
@ActivityInterface
public interface RunProjection {

    @ActivityMethod(name = "StepwiseProject")
    void apply(ProjectionChange[] changes);

    /**
     * {@link #apply} that answers how long it took, in milliseconds. The interpreter calls it as a
     * local activity: the answer is recorded in the run's history, so the decision to leave the
     * fast path after a slow write replays the same way.
     */
    @ActivityMethod(name = "StepwiseProjectTimed")
    long applyTimed(ProjectionChange[] changes);
}
