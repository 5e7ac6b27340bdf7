package io.stepwise.api.runs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stepwise.api.error.ApiException;
import io.stepwise.bootstrap.persistence.DefinitionVersionEntity;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.dsl.WorkflowParser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Stored definition versions, parsed: what a launch validates inputs against and what a resume
 * plans with. Versions never change, and parsing is most of a launch's CPU, so the newest 256 are kept.
 */
@ApplicationScoped
public class PinnedDefinitions {
    private final WorkflowParser parser;
    private final ObjectMapper json;
    private final Map<UUID, WorkflowDefinition> parsed = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<UUID, WorkflowDefinition> eldest) {
                    return size() > 256;
                }
            });

    private final EntityManager em;

    public PinnedDefinitions(WorkflowParser parser, ObjectMapper json, EntityManager em) {
        this.parser = parser;
        this.json = json;
        this.em = em;
    }

    /** The version's definition; a stored version that no longer loads (the language moved on) answers 409. */
    public WorkflowDefinition of(DefinitionVersionEntity version) {
        return known(version.id, version.seq, () -> version.definition);
    }

    /**
     * The same by the version's id, its stored definition read only when it was not parsed yet.
     * Call inside a transaction.
     */
    public WorkflowDefinition of(UUID versionId, int seq) {
        return known(versionId, seq, () -> (String) em.createNativeQuery(
                "SELECT definition::text FROM definition_versions WHERE id = :id").setParameter("id", versionId)
                .getSingleResult());
    }

    /** Parsed outside the map's lock: two first launches of a version may both parse it, and one result stays. */
    private WorkflowDefinition known(UUID versionId, int seq, Supplier<String> stored) {
        WorkflowDefinition known = parsed.get(versionId);
        if (known != null) {
            return known;
        }
        WorkflowDefinition definition = parse(stored.get(), seq);
        parsed.put(versionId, definition);
        return definition;
    }

    private WorkflowDefinition parse(String stored, int seq) {
        try {
            LoadResult loaded = parser.fromStoredJson(json.readTree(stored));
            if (!loaded.valid()) {
                throw new ApiException.Conflict("version " + seq + " of the workflow no longer loads: "
                        + loaded.summary());
            }
            return loaded.definition();
        } catch (IOException e) {
            throw new IllegalStateException("stored definition is not JSON", e);
        }
    }
}
