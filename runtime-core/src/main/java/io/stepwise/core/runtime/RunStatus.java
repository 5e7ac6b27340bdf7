package io.stepwise.core.runtime;

/** API.md run statuses. */
public enum RunStatus {
    PENDING, RUNNING, WAITING, SUCCEEDED, FAILED, CANCELED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }
}
