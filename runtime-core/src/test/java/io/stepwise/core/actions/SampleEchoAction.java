package io.stepwise.core.actions;

import com.fasterxml.jackson.databind.JsonNode;

/** A plug-in action found through the service-provider interface: returns its {@code with}. */
public final class SampleEchoAction implements StepAction {
    @Override
    public String name() {
        return "sample.echo";
    }

    @Override
    public WithRules rules() {
        return WithRules.fields().optional("value", WithRules.Kind.ANY);
    }

    @Override
    public JsonNode execute(ActionContext context, JsonNode with) {
        return with;
    }
}
