package io.stepwise.api.definitions;

import io.stepwise.core.packs.PackScanner;
import io.stepwise.core.dsl.WorkflowParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** API.md, "Resync": each rule as a plan over a real packs folder. The store is a map here. */
class ResyncPlannerTest {
    @TempDir
    Path root;
    private final PackScanner scanner = new PackScanner();
    private final ResyncPlanner planner = new ResyncPlanner(new WorkflowParser());
    private final Map<String, StoredDefinition> stored = new HashMap<>();

    private static String workflow(String name, String message) {
        return "apiVersion: stepwise/v1\nkind: Workflow\nname: " + name + "\nsteps:\n  - id: a\n    uses: log\n"
                + "    with: { message: \"" + message + "\" }\n";
    }

    private void write(String pack, String file, String content) throws IOException {
        Path dir = root.resolve(pack).resolve("workflows");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(file), content);
    }

    private ResyncPlan plan() throws IOException {
        return planner.plan(scanner.scan(root), stored);
    }

    private void store(String ref, ResyncPlan plan) {
        plan.changes().stream().filter(c -> c.ref().equals(ref)).findFirst().ifPresent(c -> {
            if (c instanceof ResyncPlan.Create create) {
                stored.put(ref, new StoredDefinition(ref, StoredDefinition.Source.FILE, false, true, 1,
                        create.loaded().contentHash(), null, create.file().hash()));
            }
        });
    }

    @BeforeEach
    void aPack() throws IOException {
        write("ops", "rotate-keys.yaml", workflow("rotate-keys", "v1"));
    }

    @Test
    void newFileIsCreatedAndSameContentAgainIsUnchangedWithNothingToWrite() throws IOException {
        ResyncPlan first = plan();
        assertThat(first.changes()).singleElement().isInstanceOf(ResyncPlan.Create.class);
        store("ops.rotate-keys", first);

        ResyncPlan again = plan();
        assertThat(again.changes()).isEmpty();
        assertThat(again.unchanged()).containsExactly("ops.rotate-keys");
        assertThat(again.writesNothing()).isTrue();

        write("ops", "rotate-keys.yaml", "# a comment changes nothing\n" + workflow("rotate-keys", "v1"));
        ResyncPlan commented = plan();

        assertThat(commented.unchanged()).containsExactly("ops.rotate-keys");
        assertThat(commented.changes()).singleElement().isInstanceOf(ResyncPlan.Touch.class);
    }

    @Test
    void changedContentIsANewVersion() throws IOException {
        store("ops.rotate-keys", plan());
        write("ops", "rotate-keys.yaml", workflow("rotate-keys", "v2"));

        assertThat(plan().changes()).singleElement().isInstanceOfSatisfying(ResyncPlan.NewVersion.class, v -> {
            assertThat(v.fromSeq()).isEqualTo(1);
            assertThat(v.toSeq()).isEqualTo(2);
        });
    }

    @Test
    void goneFileIsArchivedAndAReturningFileIsRestored() throws IOException {
        ResyncPlan first = plan();
        store("ops.rotate-keys", first);
        String hash = ((ResyncPlan.Create) first.changes().get(0)).loaded().contentHash();
        Files.delete(root.resolve("ops/workflows/rotate-keys.yaml"));

        assertThat(plan().changes()).singleElement().isEqualTo(new ResyncPlan.Archive("ops.rotate-keys"));

        stored.put("ops.rotate-keys", new StoredDefinition("ops.rotate-keys", StoredDefinition.Source.FILE, true, false, 1, hash, null, null));
        assertThat(plan().changes()).as("archived again: nothing to do").isEmpty();
        write("ops", "rotate-keys.yaml", workflow("rotate-keys", "v1"));
        assertThat(plan().changes()).singleElement().isInstanceOfSatisfying(ResyncPlan.Restore.class,
                r -> assertThat(r.wasArchived()).isTrue());
    }

    @Test
    void brokenFileKeepsTheLastGoodVersionAndANewBrokenFileIsRecordedWithoutOne() throws IOException {
        store("ops.rotate-keys", plan());
        write("ops", "rotate-keys.yaml", workflow("rotate-keys", "v2") + "bogus: true\n");
        write("ops", "never-loaded.yml", "apiVersion: stepwise/v1\nkind: Workflow\nname: never-loaded\nsteps: []\n");

        ResyncPlan plan = plan();

        assertThat(plan.changes()).hasSize(2).allSatisfy(c -> assertThat(c).isInstanceOf(ResyncPlan.LoadFailed.class));
        ResyncPlan.LoadFailed broken = (ResyncPlan.LoadFailed) plan.changes().stream()
                .filter(c -> c.ref().equals("ops.rotate-keys")).findFirst().orElseThrow();
        ResyncPlan.LoadFailed fresh = (ResyncPlan.LoadFailed) plan.changes().stream()
                .filter(c -> c.ref().equals("ops.never-loaded")).findFirst().orElseThrow();
        assertThat(broken.known()).isTrue();
        assertThat(broken.loaded().violations()).anySatisfy(v -> assertThat(v.path()).isEqualTo("bogus"));
        assertThat(fresh.known()).isFalse();
    }

    @Test
    void sameErrorsTwiceWriteNothing() throws IOException {
        write("ops", "rotate-keys.yaml", "apiVersion: stepwise/v1\nkind: Workflow\nname: rotate-keys\nsteps: []\n");
        ResyncPlan first = plan();
        ResyncPlan.LoadFailed failed = (ResyncPlan.LoadFailed) first.changes().get(0);
        stored.put("ops.rotate-keys", new StoredDefinition("ops.rotate-keys", StoredDefinition.Source.FILE, false, true,
                null, null, failed.loaded().summary(), failed.file().hash()));

        assertThat(plan().writesNothing()).isTrue();
    }

    @Test
    void fixedFileClearsTheErrorWithoutANewVersionWhenContentIsTheLastGoodOne() throws IOException {
        ResyncPlan first = plan();
        String hash = ((ResyncPlan.Create) first.changes().get(0)).loaded().contentHash();
        stored.put("ops.rotate-keys", new StoredDefinition("ops.rotate-keys", StoredDefinition.Source.FILE, false, true,
                1, hash, "bogus (line 9, column 1): unknown field 'bogus'", null));

        assertThat(plan().changes()).singleElement().isInstanceOfSatisfying(ResyncPlan.Restore.class,
                r -> assertThat(r.wasArchived()).isFalse());
    }

    @Test
    void packFileCannotTakeOverAnApiManagedRef() throws IOException {
        stored.put("ops.rotate-keys", new StoredDefinition("ops.rotate-keys", StoredDefinition.Source.API, false, false,
                3, "x", null, null));

        ResyncPlan plan = plan();

        assertThat(plan.changes()).isEmpty();
        assertThat(plan.skipped()).anySatisfy(s -> assertThat(s).contains("managed through the API"));
    }

    @Test
    void foldersThatAreNotPacksAreSkippedAndApiRefsAreNeverArchived() throws IOException {
        Files.createDirectories(root.resolve("Not_A_Pack/workflows"));
        Files.createDirectories(root.resolve("no-workflows"));
        Files.writeString(root.resolve("README.md"), "not a pack");
        stored.put("api.made", new StoredDefinition("api.made", StoredDefinition.Source.API, false, false, 1, "h", null, null));

        ResyncPlan plan = plan();

        assertThat(plan.skipped()).anySatisfy(s -> assertThat(s).startsWith("Not_A_Pack/"))
                .anySatisfy(s -> assertThat(s).startsWith("no-workflows/"));
        assertThat(plan.changes()).noneMatch(c -> c.ref().equals("api.made"));
        assertThat(plan.scanned()).isEqualTo(1);
    }

    @Test
    void yamlAndYmlForTheSameNameIsAConflictNotTwoDefinitions() throws IOException {
        write("ops", "rotate-keys.yml", workflow("rotate-keys", "other"));

        ResyncPlan plan = plan();

        assertThat(plan.scanned()).isEqualTo(1);
        assertThat(plan.skipped()).anySatisfy(s -> assertThat(s).contains("already defines ops.rotate-keys"));
    }
}
