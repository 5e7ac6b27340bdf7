package io.stepwise.core.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.dsl.Violation;
import io.stepwise.core.dsl.WorkflowParser;
import io.stepwise.core.packs.PackScanner;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code ./run.sh validate PATH... [--format text|json|github]} (docs/validate.md): checks workflow
 * files with the reader the api-server loads them with, offline: no database, no Temporal, no token.
 * A PATH is a workflow file, a pack (a folder with {@code workflows/}), its {@code workflows/}
 * folder, or a packs root; a pack's {@code pack.yaml} is checked with its workflows. Exit 0 when every file is valid, 1 when any is not, 2 for a usage error.
 */
public final class Validate {
    public static final int VALID = 0;
    public static final int INVALID = 1;
    public static final int USAGE = 2;

    private static final String USAGE_TEXT = "usage: ./run.sh validate PATH... [--format text|json|github]\n"
            + "  PATH: a workflow file (.yaml, .yml), a pack folder, its workflows/ folder, or a packs root";

    /** One file to check: how to show it, what it holds, and whether it is a pack's pack.yaml. */
    private record Source(String shown, byte[] content, boolean manifest) {
    }

    private record Checked(String shown, List<Violation> violations) {
        boolean valid() {
            return violations.isEmpty();
        }
    }

    private enum Format { TEXT, JSON, GITHUB }

    private Validate() {
    }

    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    /** Runs the command; answers its exit code. */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        Format format = Format.TEXT;
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--format") || arg.startsWith("--format=")) {
                String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1)
                        : i + 1 < args.size() ? args.get(++i) : "";
                try {
                    format = Format.valueOf(value.toUpperCase(java.util.Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    err.println("validate: --format must be text, json or github, not '" + value + "'\n" + USAGE_TEXT);
                    return USAGE;
                }
            } else if (arg.equals("-h") || arg.equals("--help")) {
                out.println(USAGE_TEXT);
                return VALID;
            } else if (arg.startsWith("-")) {
                err.println("validate: unknown option " + arg + "\n" + USAGE_TEXT);
                return USAGE;
            } else {
                paths.add(arg);
            }
        }
        if (paths.isEmpty()) {
            err.println("validate: no PATH given\n" + USAGE_TEXT);
            return USAGE;
        }
        List<Source> sources = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String path : paths) {
            try {
                collect(path, sources, warnings);
            } catch (IOException e) {
                err.println("validate: " + e.getMessage());
                return USAGE;
            }
        }
        WorkflowParser parser = new WorkflowParser();
        List<Checked> checked = sources.stream().map(source -> new Checked(source.shown(), source.manifest()
                ? parser.parsePack(source.content()).violations()
                : parser.parse(source.content(), source.shown()).violations())).toList();
        warnings.forEach(w -> err.println("validate: warning: " + w));
        long invalid = checked.stream().filter(c -> !c.valid()).count();
        if (format == Format.JSON) {
            out.println(json(checked, warnings));
        } else {
            for (Checked c : checked) {
                for (Violation v : sorted(c)) {
                    out.println(line(format, c.shown(), v));
                }
            }
        }
        err.println("validate: " + checked.size() + " file" + (checked.size() == 1 ? "" : "s") + ", "
                + (invalid == 0 ? "all valid" : invalid + " invalid"));
        return invalid == 0 ? VALID : INVALID;
    }

    private static List<Violation> sorted(Checked checked) {
        return checked.violations().stream().sorted(Violation.BY_POSITION).toList();
    }

    /** {@code file:line:column: where: message}, the form editors and CI annotate; GitHub's workflow command for github. */
    static String line(Format format, String file, Violation v) {
        String message = (v.path().isEmpty() ? "" : v.path() + ": ") + v.message();
        if (format == Format.GITHUB) {
            String at = v.line() == null ? "" : ",line=" + v.line() + ",col=" + v.column();
            return "::error file=" + file + at + ",title=stepwise validate::" + message.replace("%", "%25")
                    .replace("\r", "%0D").replace("\n", "%0A");
        }
        return v.line() == null ? file + ": " + message : file + ":" + v.line() + ":" + v.column() + ": " + message;
    }

    private static String json(List<Checked> checked, List<String> warnings) {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("valid", checked.stream().allMatch(Checked::valid));
        ArrayNode files = root.putArray("files");
        for (Checked c : checked) {
            ObjectNode file = files.addObject().put("file", c.shown()).put("valid", c.valid());
            ArrayNode violations = file.putArray("violations");
            for (Violation v : sorted(c)) {
                violations.addObject().put("path", v.path()).put("line", v.line()).put("column", v.column())
                        .put("message", v.message());
            }
        }
        warnings.forEach(root.putArray("warnings")::add);
        try {
            return mapper.writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void collect(String given, List<Source> into, List<String> warnings) throws IOException {
        Path path = Path.of(given);
        if (Files.isRegularFile(path)) {
            if (PackScanner.baseName(path.getFileName().toString()) == null) {
                throw new IOException(given + " is not a workflow file: its name must end in .yaml or .yml");
            }
            // a pack's pack.yaml, given by itself, is read as one
            boolean manifest = path.getFileName().toString().equals(io.stepwise.core.dsl.PackManifest.FILE_NAME)
                    && path.toAbsolutePath().getParent() != null && PackScanner.isPack(path.toAbsolutePath().getParent());
            into.add(new Source(given, Files.readAllBytes(path), manifest));
            return;
        }
        if (!Files.isDirectory(path)) {
            throw new IOException(given + " does not exist");
        }
        PackScanner scanner = new PackScanner();
        Path real = path.toRealPath();
        // a scan names files pack/workflows/name.yaml; they are shown under the path as the user gave it
        if (PackScanner.isPack(real)) {
            add(scanner.scanPack(real), relative -> path.resolve(afterFirst(relative)), into, warnings);
        } else if (real.getFileName() != null && real.getFileName().toString().equals("workflows")
                && real.getParent() != null && PackScanner.isPack(real.getParent())) {
            // the workflows/ folder alone: its files, not the pack's pack.yaml
            PackScanner.Scan pack = scanner.scanPack(real.getParent());
            add(new PackScanner.Scan(pack.files(), List.of(), pack.skipped()),
                    relative -> path.resolve(afterFirst(afterFirst(relative))), into, warnings);
        } else if (holdsPacks(real)) {
            add(scanner.scan(real), path::resolve, into, warnings);
        } else {
            throw new IOException(given + " is neither a workflow file, a pack (a folder with workflows/),"
                    + " a pack's workflows/ folder, nor a packs root (a folder of packs)");
        }
    }

    private static String afterFirst(String relative) {
        return relative.substring(relative.indexOf('/') + 1);
    }

    private static boolean holdsPacks(Path folder) throws IOException {
        try (Stream<Path> children = Files.list(folder)) {
            return children.anyMatch(child -> Files.isDirectory(child) && PackScanner.isPack(child));
        }
    }

    /** A scan's files and skipped entries, each shown where {@code shown} puts its scan-relative path. */
    private static void add(PackScanner.Scan scan, java.util.function.Function<String, Path> shown, List<Source> into,
                            List<String> warnings) {
        for (PackScanner.PackFolder pack : scan.packs()) {
            if (pack.hasManifest()) {
                into.add(new Source(shown.apply(pack.manifestPath()).toString(), pack.manifest(), true));
            }
        }
        for (PackScanner.PackFile file : scan.files()) {
            into.add(new Source(shown.apply(file.relativePath()).toString(), file.content(), false));
        }
        for (String skipped : scan.skipped()) {
            String[] parts = skipped.split(": ", 2);
            warnings.add(shown.apply(parts[0]) + ": skipped, " + parts[1]);
        }
    }
}
