package io.stepwise.core.dsl;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.actions.ActionCatalog;
import io.stepwise.core.internal.dsl.DefinitionReader;
import io.stepwise.core.internal.yaml.SourceTree;
import io.stepwise.core.internal.yaml.StrictYamlReader;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads workflow definitions: strict YAML parsing, then structural and semantic validation,
 * with every problem reported as a {@link Violation}. Never throws for bad input. Thread-safe.
 */
public final class WorkflowParser {
    private final ActionCatalog actions;
    private final StrictYamlReader yaml = new StrictYamlReader();

    /** A parser that knows the built-in actions and the plug-ins on the class path. */
    public WorkflowParser() {
        this(ActionCatalog.discover());
    }

    public WorkflowParser(ActionCatalog actions) {
        this.actions = actions;
    }

    public ActionCatalog actions() {
        return actions;
    }

    /**
     * Parses and validates a YAML file.
     *
     * @param fileName the file's name (e.g. {@code escalate-ticket.yaml}); when given, the workflow's
     *                 {@code name} must equal its base name. May be null.
     */
    public LoadResult parse(byte[] source, String fileName) {
        StrictYamlReader.Result read = yaml.read(source);
        if (!read.ok()) {
            return new LoadResult(null, sorted(read.violations()), null, null);
        }
        return validate(read.tree(), baseName(fileName));
    }

    /** Parses and validates a pack's {@code pack.yaml}. */
    public PackManifest.Load parsePack(byte[] source) {
        StrictYamlReader.Result read = yaml.read(source);
        if (!read.ok()) {
            return new PackManifest.Load(null, sorted(read.violations()));
        }
        io.stepwise.core.internal.dsl.PackManifestReader reader = new io.stepwise.core.internal.dsl.PackManifestReader(read.tree());
        PackManifest manifest = reader.read();
        return new PackManifest.Load(manifest, sorted(reader.violations()));
    }

    public LoadResult parse(String source) {
        return parse(source.getBytes(StandardCharsets.UTF_8), null);
    }

    /** Validates a definition already held as JSON, such as a stored canonical form. */
    public LoadResult fromJson(JsonNode json) {
        return validate(SourceTree.withoutPositions(json), null);
    }

    /**
     * Reads a stored version's JSON for execution (the interpreter): validated as always, except by
     * rules the language gained after the version was accepted (it stays runnable), and the
     * canonical form and hash, which the store already has, are not computed again.
     */
    public LoadResult fromStoredJson(JsonNode json) {
        DefinitionReader reader = new DefinitionReader(SourceTree.withoutPositions(json), actions, true);
        WorkflowDefinition definition = reader.read(null);
        return new LoadResult(definition, sorted(reader.violations()), null, null);
    }

    private LoadResult validate(SourceTree tree, String expectedName) {
        String canonical = CanonicalJson.write(CanonicalJson.canonicalize(tree.root()));
        String hash = CanonicalJson.sha256(canonical);
        DefinitionReader reader = new DefinitionReader(tree, actions);
        WorkflowDefinition definition = reader.read(expectedName);
        return new LoadResult(definition, sorted(reader.violations()), canonical, hash);
    }

    private static List<Violation> sorted(List<Violation> violations) {
        List<Violation> copy = new ArrayList<>(violations);
        copy.sort(Violation.BY_POSITION);
        return List.copyOf(copy);
    }

    static String baseName(String fileName) {
        if (fileName == null) {
            return null;
        }
        String name = fileName.substring(fileName.lastIndexOf('/') + 1);
        if (name.endsWith(".yaml")) {
            return name.substring(0, name.length() - 5);
        }
        if (name.endsWith(".yml")) {
            return name.substring(0, name.length() - 4);
        }
        return name;
    }
}
