package io.stepwise.core.internal.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.dsl.PackManifest;
import io.stepwise.core.dsl.Violation;
import io.stepwise.core.internal.yaml.SourceTree;

import java.util.List;

/** Reads a {@code pack.yaml} with the workflow reader's rules: known fields only, each of its type. */
public final class PackManifestReader {
    private final SourceTree tree;
    private final Violations violations;
    private final FieldReader fields;

    public PackManifestReader(SourceTree tree) {
        this.tree = tree;
        this.violations = new Violations(tree);
        this.fields = new FieldReader(violations);
    }

    /** The manifest, or null when any violation was found; {@link #violations()} says why. */
    public PackManifest read() {
        JsonNode root = tree.root();
        if (root == null || root.isNull()) {
            return PackManifest.NONE; // an empty file says nothing
        }
        if (!root.isObject()) {
            violations.atValue("", "pack.yaml must be a YAML map with description and tags");
            return null;
        }
        fields.allowOnly(root, "", Vocabulary.PACK);
        String description = fields.optionalText(root, "", "description");
        List<String> tags = fields.stringList(root, "tags");
        return violations.count() == 0 ? new PackManifest(description, tags) : null;
    }

    public List<Violation> violations() {
        return violations.list();
    }
}
