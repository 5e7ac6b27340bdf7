package io.stepwise.api.definitions;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.util.List;

/** Response bodies of the definition endpoints (API.md, "Definitions"). */
public final class DefinitionViews {
    private DefinitionViews() {
    }

    public record VersionRef(String id, int seq, String hash) {
    }

    public record Summary(String ref, String pack, String name, String version, String description, List<String> tags,
                          String status, String source, boolean fileExists, VersionRef currentVersion,
                          String loadError, Instant updatedAt) {
    }

    public record Detail(String ref, String pack, String name, String version, String description, List<String> tags,
                         String status, String source, boolean fileExists, VersionRef currentVersion,
                         String loadError, Instant updatedAt, JsonNode loadErrors, JsonNode inputs, JsonNode triggers,
                         JsonNode definition, String yaml, String failedSource) {
    }

    public record Version(String id, int seq, String hash, String label, Instant createdAt) {
    }

    /**
     * A pack: its workflow count and, from its pack.yaml, a description, the tags its workflows
     * carry, and the file's load error when it does not load (the last good description and tags stay).
     */
    public record Pack(String name, long workflows, String description, List<String> tags, String file,
                       String loadError, JsonNode loadErrors) {
    }

    public record Page<T>(List<T> items, String nextCursor) {
        public static <T> Page<T> of(List<T> items) {
            return new Page<>(items, null);
        }
    }

    public record ValidationResult(boolean valid, List<io.stepwise.api.error.Problem.Error> errors) {
    }
}
