package io.stepwise.core.runtime;

/** API.md step statuses. */
public enum StepStatus { PENDING, RUNNING, WAITING, SUCCEEDED, FAILED, SKIPPED, CANCELED }
