package io.stepwise.core.runtime;

import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowParser;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** Definition versions held in memory: YAML in, a version id out. */
public class InMemoryDefinitions implements DefinitionActivities {
    private final Map<String, String> versions = new ConcurrentHashMap<>();
    private final WorkflowParser parser = new WorkflowParser();

    public String add(String yaml) {
        LoadResult result = parser.parse(yaml);
        if (!result.valid()) {
            throw new IllegalArgumentException("test definition is invalid: " + result.violations());
        }
        String id = UUID.randomUUID().toString();
        versions.put(id, result.canonicalJson());
        return id;
    }

    @Override
    public String loadDefinition(String versionId) {
        String json = versions.get(versionId);
        if (json == null) {
            throw new IllegalStateException("no definition version " + versionId);
        }
        return json;
    }
}
