package io.stepwise.core.runtime;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Loads a pinned definition version, so that what the interpreter walks is recorded in history. */
@ActivityInterface
public interface DefinitionActivities {

    /** The canonical JSON of the version. */
    @ActivityMethod(name = "StepwiseLoadDefinition")
    String loadDefinition(String versionId);
}
