package io.stepwise.core.runtime;

/** A {@link RunProjection} that handles each kind of change in its own method, in order. */
public abstract class RunProjectionHandler implements RunProjection {

    @Override
    public void apply(ProjectionChange[] changes) {
        for (ProjectionChange change : changes) {
            if (change instanceof ProjectionChange.RunStarted c) {
                runStarted(c);
            } else if (change instanceof ProjectionChange.RunFinished c) {
                runFinished(c);
            } else if (change instanceof ProjectionChange.StepStarted c) {
                stepStarted(c);
            } else if (change instanceof ProjectionChange.StepFinished c) {
                stepFinished(c);
            } else if (change instanceof ProjectionChange.WaitOpened c) {
                waitOpened(c);
            } else if (change instanceof ProjectionChange.WaitClosed c) {
                waitClosed(c);
            }
        }
    }

    @Override
    public long applyTimed(ProjectionChange[] changes) {
        return timed(this, changes);
    }

    /** {@link RunProjection#apply} through {@code projection}, answering how long it took in milliseconds. */
    public static long timed(RunProjection projection, ProjectionChange[] changes) {
        long start = System.nanoTime();
        projection.apply(changes);
        return (System.nanoTime() - start) / 1_000_000;
    }

    protected abstract void runStarted(ProjectionChange.RunStarted change);

    protected abstract void runFinished(ProjectionChange.RunFinished change);

    protected abstract void stepStarted(ProjectionChange.StepStarted change);

    protected abstract void stepFinished(ProjectionChange.StepFinished change);

    protected abstract void waitOpened(ProjectionChange.WaitOpened change);

    protected abstract void waitClosed(ProjectionChange.WaitClosed change);
}
