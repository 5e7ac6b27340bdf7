package io.stepwise.core.packs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds workflow files under a packs root (DSL.md, "Where definitions live"):
 * {@code <root>/<pack>/workflows/<name>.yaml|.yml}. A folder whose name is not a pack name, or
 * that has no {@code workflows/} folder, is not a pack and is skipped. A pack's optional
 * {@code pack.yaml} is read too. Files are read here, once.
 */
public final class PackScanner {
    public static final Pattern PACK_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");

    /** One workflow file: its ref, where it is (relative to the root), and its bytes. */
    public record PackFile(String pack, String name, String relativePath, byte[] content) {
        public String ref() {
            return pack + "." + name;
        }

        /** SHA-256 of the bytes: a file whose bytes did not change since it last loaded needs no parse. */
        public String hash() {
            return io.stepwise.core.dsl.CanonicalJson.sha256(content);
        }
    }

    /**
     * One pack folder: its name and, when it has one, its {@code pack.yaml} (path relative to the
     * root, and bytes); both null without one.
     */
    public record PackFolder(String name, String manifestPath, byte[] manifest) {
        public boolean hasManifest() {
            return manifest != null;
        }
    }

    /** What a scan found: the files, the pack folders, and the folders and files it skipped with the reason. */
    public record Scan(List<PackFile> files, List<PackFolder> packs, List<String> skipped) {
    }

    /** Every pack under a packs root. */
    public Scan scan(Path root) throws IOException {
        List<PackFile> files = new ArrayList<>();
        List<PackFolder> folders = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            throw new IOException("packs root " + root + " is not a directory");
        }
        Path realRoot = root.toRealPath();
        List<Path> packs;
        try (Stream<Path> children = Files.list(realRoot)) {
            packs = children.sorted(Comparator.comparing(Path::toString)).toList();
        }
        for (Path pack : packs) {
            String packName = pack.getFileName().toString();
            if (packName.startsWith(".") || !Files.isDirectory(pack, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (!PACK_NAME.matcher(packName).matches()) {
                skipped.add(packName + "/: not a pack name ([a-z][a-z0-9-]{0,62})");
                continue;
            }
            if (!isPack(pack)) {
                skipped.add(packName + "/: no workflows/ folder");
                continue;
            }
            folders.add(readPack(pack, packName, files, skipped));
        }
        return new Scan(List.copyOf(files), List.copyOf(folders), List.copyOf(skipped));
    }

    /** One pack folder, read as a scan of its root would read it; paths stay relative to the root. */
    public Scan scanPack(Path pack) throws IOException {
        Path real = pack.toRealPath();
        String packName = real.getFileName().toString();
        if (!PACK_NAME.matcher(packName).matches()) {
            throw new IOException(pack + " is not a pack: its name is not a pack name ([a-z][a-z0-9-]{0,62})");
        }
        if (!isPack(real)) {
            throw new IOException(pack + " is not a pack: it has no workflows/ folder");
        }
        List<PackFile> files = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        PackFolder folder = readPack(real, packName, files, skipped);
        return new Scan(List.copyOf(files), List.of(folder), List.copyOf(skipped));
    }

    /** Whether {@code folder} is laid out as a pack: it holds a {@code workflows/} folder. */
    public static boolean isPack(Path folder) {
        return Files.isDirectory(folder.resolve("workflows"), LinkOption.NOFOLLOW_LINKS);
    }

    private static PackFolder readPack(Path pack, String packName, List<PackFile> files, List<String> skipped)
            throws IOException {
        Map<String, String> seen = new HashMap<>();
        try (Stream<Path> entries = Files.list(pack.resolve("workflows"))) {
            for (Path file : entries.sorted(Comparator.comparing(Path::toString)).toList()) {
                String fileName = file.getFileName().toString();
                String base = baseName(fileName);
                if (base == null || fileName.startsWith(".") || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                String relative = packName + "/workflows/" + fileName;
                String earlier = seen.putIfAbsent(base, relative);
                if (earlier != null) {
                    skipped.add(relative + ": " + earlier + " already defines " + packName + "." + base);
                    continue;
                }
                files.add(new PackFile(packName, base, relative, Files.readAllBytes(file)));
            }
        }
        Path manifest = pack.resolve(io.stepwise.core.dsl.PackManifest.FILE_NAME);
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS)) {
            return new PackFolder(packName, null, null);
        }
        return new PackFolder(packName, packName + "/" + io.stepwise.core.dsl.PackManifest.FILE_NAME,
                Files.readAllBytes(manifest));
    }

    /** {@code name} for {@code name.yaml} or {@code name.yml}; null for anything else. */
    public static String baseName(String fileName) {
        if (fileName.endsWith(".yaml")) {
            return fileName.substring(0, fileName.length() - 5);
        }
        if (fileName.endsWith(".yml")) {
            return fileName.substring(0, fileName.length() - 4);
        }
        return null;
    }

    /** True when {@code name} could name a pack or a workflow without leaving the packs root. */
    public static boolean isSafeName(String name) {
        return name != null && PACK_NAME.matcher(name).matches();
    }
}
