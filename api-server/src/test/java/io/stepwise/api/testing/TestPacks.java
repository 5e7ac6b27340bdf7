package io.stepwise.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes and removes workflow files under the test server's packs root. */
public final class TestPacks {
    private TestPacks() {
    }

    public static Path root() {
        return Path.of(System.getProperty(StepwiseTestResource.PACKS_PROPERTY));
    }

    public static void write(String pack, String file, String content) {
        try {
            Path dir = root().resolve(pack).resolve("workflows");
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(file), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void delete(String pack, String file) {
        try {
            Files.deleteIfExists(root().resolve(pack).resolve("workflows").resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the pack's pack.yaml; null content deletes it. */
    public static void manifest(String pack, String content) {
        try {
            Path file = root().resolve(pack).resolve("pack.yaml");
            if (content == null) {
                Files.deleteIfExists(file);
            } else {
                Files.createDirectories(file.getParent());
                Files.writeString(file, content);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid workflow named {@code name} whose log message makes its content unique. */
    public static String workflow(String name, String message) {
        return "apiVersion: stepwise/v1\nkind: Workflow\nname: " + name + "\nversion: \"" + message + "\"\n"
                + "tags: [test]\ninputs:\n  who: { type: string, default: world }\nsteps:\n  - id: hello\n"
                + "    uses: log\n    with: { message: \"" + message + " ${{ inputs.who }}\" }\n";
    }
}
