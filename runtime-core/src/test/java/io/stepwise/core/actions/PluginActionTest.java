package io.stepwise.core.actions;

import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.WorkflowParser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Actions plug in through {@link java.util.ServiceLoader}; their {@code with} rules apply at load time. */
class PluginActionTest {

    @Test
    void actionOnTheClassPathIsKnownAndItsRulesApply() {
        WorkflowParser parser = new WorkflowParser();
        assertThat(parser.actions().names()).contains("sample.echo", "http.request");

        LoadResult ok = parser.parse("apiVersion: stepwise/v1\nkind: Workflow\nname: p\nsteps:\n"
                + "  - id: a\n    uses: sample.echo\n    with: { value: 1 }\n");
        LoadResult bad = parser.parse("apiVersion: stepwise/v1\nkind: Workflow\nname: p\nsteps:\n"
                + "  - id: a\n    uses: sample.echo\n    with: { valu: 1 }\n");

        assertThat(ok.violations()).isEmpty();
        assertThat(bad.violations()).singleElement().satisfies(v -> {
            assertThat(v.path()).isEqualTo("steps[0].with.valu");
            assertThat(v.message()).contains("unknown field 'valu'");
            assertThat(v.line()).isEqualTo(7);
        });
    }

    @Test
    void pluginMayNotTakeABuiltInNameOrAnUnqualifiedOne() {
        StepAction shadow = new StepAction() {
            public String name() {
                return "http.request";
            }

            public com.fasterxml.jackson.databind.JsonNode execute(ActionContext c, com.fasterxml.jackson.databind.JsonNode w) {
                return w;
            }
        };
        StepAction bare = new StepAction() {
            public String name() {
                return "echo";
            }

            public com.fasterxml.jackson.databind.JsonNode execute(ActionContext c, com.fasterxml.jackson.databind.JsonNode w) {
                return w;
            }
        };
        assertThatThrownBy(() -> ActionCatalog.of(List.of(shadow))).hasMessageContaining("reuses the built-in name");
        assertThatThrownBy(() -> ActionCatalog.of(List.of(bare))).hasMessageContaining("<namespace>.<action>");
    }
}
