package io.stepwise.api.definitions;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.stepwise.core.dsl.Violation;

import java.util.List;

/**
 * The answer of {@code POST /workflows/resync} (API.md, "Resync"). {@code restored} lists refs
 * brought back without a new version (a returning file, or a file fixed back to the current
 * content); {@code skipped} lists folders and files that are not definitions, with the reason;
 * {@code packErrors} lists the pack.yaml files that do not load.
 */
public record ResyncReport(boolean dryRun, Summary summary, Workflows workflows, List<String> skipped,
                           List<PackFailed> packErrors) {

    /** A pack.yaml that does not load: the pack keeps its last good description and tags. */
    public record PackFailed(String pack, String file, String loadError, List<Violation> loadErrors) {
    }

    public record Summary(int scanned, @JsonProperty("new") long newCount, long updated, long unchanged, long archived, long restored,
                          long errors) {
    }

    public record Workflows(@JsonProperty("new") List<New> created, List<Updated> updated, List<String> unchanged, List<Archived> archived,
                            List<Restored> restored, List<Failed> errors) {
    }

    public record New(String ref, int versionSeq) {
    }

    public record Updated(String ref, int fromSeq, int toSeq) {
    }

    public record Archived(String ref) {
    }

    public record Restored(String ref, int versionSeq, boolean wasArchived) {
    }

    public record Failed(String ref, String file, String loadError, List<Violation> loadErrors) {
    }

    public static ResyncReport of(ResyncPlan plan, boolean dryRun) {
        List<New> created = plan.changes().stream().filter(ResyncPlan.Create.class::isInstance)
                .map(c -> new New(c.ref(), 1)).toList();
        List<Updated> updated = plan.changes().stream().filter(ResyncPlan.NewVersion.class::isInstance)
                .map(ResyncPlan.NewVersion.class::cast).map(v -> new Updated(v.ref(), v.fromSeq(), v.toSeq())).toList();
        List<Archived> archived = plan.changes().stream().filter(ResyncPlan.Archive.class::isInstance)
                .map(c -> new Archived(c.ref())).toList();
        List<Restored> restored = plan.changes().stream().filter(ResyncPlan.Restore.class::isInstance)
                .map(ResyncPlan.Restore.class::cast).map(r -> new Restored(r.ref(), r.seq(), r.wasArchived())).toList();
        List<Failed> errors = plan.changes().stream().filter(ResyncPlan.LoadFailed.class::isInstance)
                .map(ResyncPlan.LoadFailed.class::cast)
                .map(f -> new Failed(f.ref(), f.file().relativePath(), f.loaded().summary(), f.loaded().violations()))
                .toList();
        Summary summary = new Summary(plan.scanned(), created.size(), updated.size(), plan.unchanged().size(),
                archived.size(), restored.size(), errors.size());
        List<PackFailed> packErrors = plan.packs().stream().filter(ResyncPlan.PackRead::failed)
                .map(p -> new PackFailed(p.name(), p.file(), p.load().summary(), p.load().violations())).toList();
        return new ResyncReport(dryRun, summary, new Workflows(created, updated, plan.unchanged(), archived, restored,
                errors), plan.skipped(), packErrors);
    }
}
