package io.stepwise.api.definitions;

import io.stepwise.core.packs.PackScanner;
import io.stepwise.core.dsl.LoadResult;
import io.stepwise.core.dsl.Violation;
import io.stepwise.core.dsl.WorkflowParser;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what is on disk with what is stored and says what to change (API.md, "Resync"):
 * new, updated, unchanged, archived, restored, errors, and each pack's pack.yaml. Pure: no I/O, no clock.
 */
public final class ResyncPlanner {
    private final WorkflowParser parser;

    public ResyncPlanner(WorkflowParser parser) {
        this.parser = parser;
    }

    public ResyncPlan plan(PackScanner.Scan scan, Map<String, StoredDefinition> stored) {
        List<ResyncPlan.Change> changes = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<String> skipped = new ArrayList<>(scan.skipped());
        Set<String> onDisk = new HashSet<>();
        Map<PackScanner.PackFile, LoadResult> parsed = parseChanged(scan, stored);
        for (PackScanner.PackFile file : scan.files()) {
            StoredDefinition current = stored.get(file.ref());
            if (current != null && current.source() == StoredDefinition.Source.API) {
                skipped.add(file.relativePath() + ": " + file.ref()
                        + " is managed through the API; rename the file or delete the API definition first");
                continue;
            }
            onDisk.add(file.ref());
            if (unchangedBytes(file, current)) {
                // the same bytes loaded cleanly last time: parsing is deterministic, so skip it
                unchanged.add(file.ref());
                continue;
            }
            LoadResult loaded = parsed.get(file);
            if (!loaded.valid()) {
                boolean sameErrors = current != null && loaded.summary().equals(current.loadError());
                changes.add(new ResyncPlan.LoadFailed(file, loaded, current != null, !sameErrors));
            } else if (current == null) {
                changes.add(new ResyncPlan.Create(file, loaded));
            } else if (current.currentHash() == null || !current.currentHash().equals(loaded.contentHash())) {
                int from = current.currentSeq() == null ? 0 : current.currentSeq();
                changes.add(new ResyncPlan.NewVersion(file, loaded, from, from + 1));
            } else if (current.archived() || !current.fileExists() || current.loadError() != null) {
                changes.add(new ResyncPlan.Restore(file, current.currentSeq(), current.archived()));
            } else if (!file.hash().equals(current.fileHash())) {
                // other bytes, same meaning (a comment, key order): unchanged, but remember the bytes
                unchanged.add(file.ref());
                changes.add(new ResyncPlan.Touch(file));
            } else {
                unchanged.add(file.ref());
            }
        }
        stored.values().stream()
                .filter(s -> s.source() == StoredDefinition.Source.FILE && !onDisk.contains(s.ref()))
                .filter(s -> !s.archived() || s.fileExists())
                .sorted(java.util.Comparator.comparing(StoredDefinition::ref))
                .forEach(s -> changes.add(new ResyncPlan.Archive(s.ref())));
        List<ResyncPlan.PackRead> packs = scan.packs().stream().map(pack -> pack.hasManifest()
                ? new ResyncPlan.PackRead(pack.name(), pack.manifestPath(), parser.parsePack(pack.manifest()))
                : new ResyncPlan.PackRead(pack.name(), null, null)).toList();
        return new ResyncPlan(scan.files().size(), List.copyOf(changes), List.copyOf(unchanged), List.copyOf(skipped),
                packs);
    }

    /**
     * Parses, on every core, the files whose bytes did not load cleanly last time; the parser is
     * thread-safe and the order of the plan does not depend on it.
     */
    private Map<PackScanner.PackFile, LoadResult> parseChanged(PackScanner.Scan scan, Map<String, StoredDefinition> stored) {
        Map<PackScanner.PackFile, LoadResult> parsed = new java.util.concurrent.ConcurrentHashMap<>();
        scan.files().parallelStream()
                .filter(file -> !unchangedBytes(file, stored.get(file.ref())))
                .forEach(file -> parsed.put(file, parser.parse(file.content(), file.relativePath())));
        return parsed;
    }

    private static boolean unchangedBytes(PackScanner.PackFile file, StoredDefinition current) {
        return current != null && current.source() == StoredDefinition.Source.FILE && current.loadError() == null
                && !current.archived() && current.fileExists() && file.hash().equals(current.fileHash());
    }

    /** The violations of a failed load, for the report and the store. */
    public static List<Violation> errors(ResyncPlan.LoadFailed failed) {
        return failed.loaded().violations();
    }
}
