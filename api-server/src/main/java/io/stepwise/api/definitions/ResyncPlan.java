package io.stepwise.api.definitions;

import io.stepwise.core.packs.PackScanner;
import io.stepwise.core.dsl.LoadResult;

import java.util.List;

/**
 * What a resync will do, computed without writing anything: the same plan serves a dry run and
 * the real thing. Unchanged refs need no write at all.
 */
public record ResyncPlan(int scanned, List<Change> changes, List<String> unchanged, List<String> skipped,
                         List<PackRead> packs) {

    /**
     * A pack folder on disk and its pack.yaml: {@code file} and {@code load} are null when it has
     * none. Applying the plan stores what a valid file says; an invalid one keeps the last good
     * description and tags and records the errors.
     */
    public record PackRead(String name, String file, io.stepwise.core.dsl.PackManifest.Load load) {
        public boolean failed() {
            return load != null && !load.valid();
        }
    }

    /** One change to apply. */
    public sealed interface Change permits Create, NewVersion, Restore, Touch, Archive, LoadFailed {
        String ref();
    }

    /** A new file that loads: a definition with version 1. */
    public record Create(PackScanner.PackFile file, LoadResult loaded) implements Change {
        public String ref() {
            return file.ref();
        }
    }

    /** Changed content: a new version becomes current; archived or failing state is cleared. */
    public record NewVersion(PackScanner.PackFile file, LoadResult loaded, int fromSeq, int toSeq) implements Change {
        public String ref() {
            return file.ref();
        }
    }

    /** Same content as the current version, but the record was archived or had a load error: clear it. */
    public record Restore(PackScanner.PackFile file, int seq, boolean wasArchived) implements Change {
        public String ref() {
            return file.ref();
        }
    }

    /** Other bytes with the same meaning (a comment, key order): reported unchanged; only the file hash is kept. */
    public record Touch(PackScanner.PackFile file) implements Change {
        public String ref() {
            return file.ref();
        }
    }

    /** The file is gone: archive the record, keep it and its versions. */
    public record Archive(String ref) implements Change {
    }

    /**
     * The file does not load: record the errors; the last good version (if any) stays current.
     * {@code known} is false for a ref never seen before (a record without a version is created).
     * {@code write} is false when the same errors are stored already.
     */
    public record LoadFailed(PackScanner.PackFile file, LoadResult loaded, boolean known, boolean write)
            implements Change {
        public String ref() {
            return file.ref();
        }
    }

    public long count(Class<? extends Change> kind) {
        return changes.stream().filter(kind::isInstance).count();
    }

    /** True when applying the plan writes nothing. */
    public boolean writesNothing() {
        return changes.stream().noneMatch(c -> !(c instanceof LoadFailed f) || f.write());
    }
}
