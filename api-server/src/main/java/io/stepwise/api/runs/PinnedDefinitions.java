package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.persistence.DefinitionVersionEntity;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stored definition versions, parsed: what a launch validates inputs against and what a resume
 * plans with. Versions never change, and parsing is most of a launch's CPU, so the newest 256 are kept.
 */
@ApplicationScoped
public class PinnedDefinitions {
    private final WorkflowParser parser;
    private final ObjectMapper json;
    private final Map<java.util.UUID, WorkflowDefinition> parsed = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<java.util.UUID, WorkflowDefinition> eldest) {
                    return size() > 256;
                }
            });

    public PinnedDefinitions(WorkflowParser parser, ObjectMapper json) {
        this.parser = parser;
        this.json = json;
    }

    /** The version's definition; a stored version that no longer loads (the language moved on) answers 409. */
    public WorkflowDefinition of(DefinitionVersionEntity version) {
        WorkflowDefinition known = parsed.get(version.id);
        if (known != null) {
            return known;
        }
        WorkflowDefinition definition = parse(version);
        parsed.put(version.id, definition);
        return definition;
    }

    private WorkflowDefinition parse(DefinitionVersionEntity version) {
        try {
            LoadResult loaded = parser.fromStoredJson(json.readTree(version.definition));
            if (!loaded.valid()) {
                throw new ApiException.Conflict("version " + version.seq + " of the workflow no longer loads: "
                        + loaded.summary());
            }
            return loaded.definition();
        } catch (IOException e) {
            throw new IllegalStateException("stored definition is not JSON", e);
        }
    }
}
