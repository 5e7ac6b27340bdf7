package io.stepwise.core.dsl;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of loading one workflow: the definition when it is valid, every violation when it
 * is not. When the YAML at least parsed, its canonical JSON and content hash are given too.
 *
 * @param canonicalJson the canonical JSON text, or null when the YAML did not parse
 * @param contentHash   SHA-256 of {@code canonicalJson}, or null
 */
public record LoadResult(WorkflowDefinition definition, List<Violation> violations, String canonicalJson,
                         String contentHash) {

    public boolean valid() {
        return violations.isEmpty() && definition != null;
    }

    public Optional<WorkflowDefinition> definitionIfValid() {
        return valid() ? Optional.of(definition) : Optional.empty();
    }

    /** One line for lists: the first violation and how many more there are. */
    public String summary() {
        return Violation.summary(violations);
    }
}
