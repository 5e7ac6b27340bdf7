package io.stepwise.core.internal.dsl;

import io.stepwise.core.actions.ActionCatalog;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/dsl-reference.md's field and action tables are checked against the reader's own lists:
 * a field added to the language without a line in the reference (or a line for a field that does
 * not exist) fails the build.
 */
class ReferenceDocTest {
    private static final Path REFERENCE = Path.of("..", "docs", "dsl-reference.md");
    private static final Pattern NAME = Pattern.compile("`([A-Za-z.]+)`");

    private static String reference() throws IOException {
        return Files.readString(REFERENCE);
    }

    /** The names in the first column of the rows of the first table after the heading that starts with {@code heading}. */
    static Set<String> firstColumn(String markdown, String heading) {
        int at = markdown.indexOf("\n" + heading);
        assertThat(at).as("heading '%s' in docs/dsl-reference.md", heading).isGreaterThanOrEqualTo(0);
        Set<String> names = new LinkedHashSet<>();
        boolean inTable = false;
        for (String line : markdown.substring(at + 1).lines().skip(1).toList()) {
            if (line.startsWith("|---")) {
                inTable = true; // the header row is above this line; rows follow
            } else if (line.startsWith("|") && inTable) {
                Matcher m = NAME.matcher(line.split("\\|")[1]);
                while (m.find()) {
                    names.add(m.group(1));
                }
            } else if (!line.startsWith("|") && (inTable || line.startsWith("#"))) {
                break;
            }
        }
        return names;
    }

    @Test
    void topLevelStepInputAndForEachFieldsMatchTheReader() throws IOException {
        String doc = reference();
        assertThat(firstColumn(doc, "## Top-level fields")).containsExactlyInAnyOrderElementsOf(Vocabulary.names(Vocabulary.TOP));
        assertThat(firstColumn(doc, "### Step fields")).containsExactlyInAnyOrderElementsOf(Vocabulary.names(Vocabulary.STEP));
        assertThat(firstColumn(doc, "### Schema fields")).containsExactlyInAnyOrderElementsOf(Vocabulary.names(Vocabulary.INPUT));
        assertThat(firstColumn(doc, "### forEach fields")).containsExactlyInAnyOrderElementsOf(Vocabulary.names(Vocabulary.FOREACH));
    }

    @Test
    void everyBuiltInActionHasARowAndASection() throws IOException {
        String doc = reference();
        assertThat(firstColumn(doc, "## Built-in actions")).containsExactlyInAnyOrderElementsOf(ActionCatalog.builtInNames());
        for (String action : ActionCatalog.builtInNames()) {
            assertThat(doc).as("a section for %s", action).contains("\n### " + action + "\n");
        }
    }

    @Test
    void theTableReaderStopsAtTheEndOfTheFirstTable() {
        String doc = "intro\n## Top-level fields\n\n| field | meaning |\n|---|---|\n| `name` | x |\n| `a`, `b` | y |\n\nafter\n| `c` | z |\n";
        assertThat(firstColumn(doc, "## Top-level fields")).containsExactly("name", "a", "b");
    }
}
