package io.stepwise.core.dsl;

import java.util.List;

/**
 * A pack's optional {@code pack.yaml}: a description and the tags each of its workflows carries
 * besides its own (DSL.md, "Where definitions live"). A pack without the file has neither.
 */
public record PackManifest(String description, List<String> tags) {
    public static final String FILE_NAME = "pack.yaml";
    public static final PackManifest NONE = new PackManifest(null, List.of());

    /** The outcome of reading one {@code pack.yaml}: the manifest when it is valid, every violation when not. */
    public record Load(PackManifest manifest, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty() && manifest != null;
        }

        public String summary() {
            return Violation.summary(violations);
        }
    }

    /** A workflow's tags as lists show them: the pack's first, then its own, each once. */
    public List<String> tagsWith(List<String> own) {
        if (tags.isEmpty()) {
            return own;
        }
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(tags);
        all.addAll(own);
        return List.copyOf(all);
    }
}
