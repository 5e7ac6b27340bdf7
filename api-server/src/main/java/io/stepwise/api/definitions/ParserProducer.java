package io.stepwise.api.definitions;

import io.stepwise.core.dsl.WorkflowParser;
import jakarta.inject.Singleton;
import jakarta.enterprise.inject.Produces;

/** One parser for the server: built-in actions plus the plug-ins on the class path. */
public class ParserProducer {
    @Produces
    @Singleton
    WorkflowParser parser() {
        return new WorkflowParser();
    }
}
