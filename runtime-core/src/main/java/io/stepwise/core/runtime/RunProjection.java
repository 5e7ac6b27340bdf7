package io.stepwise.core.runtime;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Writes what a run is doing to the store the API reads: run started/finished, step
 * started/finished (with attempt, output or error), wait opened/closed. The interpreter sends
 * the changes in order (an array, so that each element keeps its JSON type id), as local activities, several per call when they pile up. Every change
 * is idempotent by (run id, step path, attempt): a retried call changes nothing more.
 * Implementations usually extend {@link RunProjectionHandler}.
 */
@ActivityInterface
public interface RunProjection {

    @ActivityMethod(name = "StepwiseProject")
    void apply(ProjectionChange[] changes);
}
