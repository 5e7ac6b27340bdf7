package io.stepwise.api.definitions;

/**
 * What the store holds for one ref, as far as a resync needs it.
 *
 * @param currentSeq  the current version's seq, or null when no version ever loaded
 * @param currentHash the current version's content hash, or null
 * @param loadError   the stored load error summary, or null
 * @param fileHash    SHA-256 of the file's bytes at the last resync, or null
 */
public record StoredDefinition(String ref, Source source, boolean archived, boolean fileExists, Integer currentSeq,
                               String currentHash, String loadError, String fileHash) {

    /** Who manages a definition: a pack file, or the API. Neither may change the other's. */
    public enum Source { FILE, API }
}
