package io.stepwise.core.dsl;

import io.stepwise.core.expr.Template;

import java.util.Map;

/** Launches a run when an event of this name is posted; {@code inputs} map the event to launch inputs. */
public record Trigger(String event, Map<String, Template> inputs) {
}
