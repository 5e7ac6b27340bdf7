package io.stepwise.core.dsl;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A pack's pack.yaml: a description and default tags, read as strictly as a workflow. */
class PackManifestTest {
    private final WorkflowParser parser = new WorkflowParser();

    private PackManifest.Load read(String yaml) {
        return parser.parsePack(yaml.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void descriptionAndTagsAreRead() {
        PackManifest.Load load = read("""
                # the support team's workflows
                description: Support escalations
                tags: [support, tier-1]
                """);

        assertThat(load.valid()).isTrue();
        assertThat(load.manifest().description()).isEqualTo("Support escalations");
        assertThat(load.manifest().tags()).containsExactly("support", "tier-1");
    }

    @Test
    void everyProblemIsNamedWithItsLine() {
        PackManifest.Load load = read("""
                description: [not, text]
                tags: support
                owner: me
                """);

        assertThat(load.valid()).isFalse();
        assertThat(load.violations()).extracting(Violation::path, Violation::line, Violation::message).containsExactly(
                org.assertj.core.groups.Tuple.tuple("description", 1, "'description' must be a string"),
                org.assertj.core.groups.Tuple.tuple("tags", 2, "'tags' must be a list of strings"),
                org.assertj.core.groups.Tuple.tuple("owner", 3, "unknown field 'owner' (allowed: description, tags)"));
        assertThat(load.summary()).startsWith("description (line 1, column 14): ").endsWith("(and 2 more)");
    }

    @Test
    void notAMapOrNotYamlIsRefused() {
        assertThat(read("- a\n- b\n").violations()).singleElement()
                .satisfies(v -> assertThat(v.message()).contains("must be a YAML map"));
        assertThat(read("description: [unclosed\n").valid()).isFalse();
    }

    @Test
    void aWorkflowCarriesThePacksTagsFirstThenItsOwnEachOnce() {
        PackManifest pack = new PackManifest("Support", List.of("support", "tier-1"));

        assertThat(pack.tagsWith(List.of("tier-1", "email"))).containsExactly("support", "tier-1", "email");
        assertThat(PackManifest.NONE.tagsWith(List.of("email"))).containsExactly("email");
    }
}
