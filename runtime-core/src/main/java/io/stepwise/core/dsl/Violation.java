package io.stepwise.core.dsl;

import java.util.Comparator;

/**
 * One problem found in a definition or in launch inputs: where it is and what to do about it.
 *
 * @param path    dotted path into the document, e.g. {@code steps[2].with.url}; empty for the whole document
 * @param line    1-based line in the YAML source, or null when not known (inputs sent as JSON)
 * @param column  1-based column in the YAML source, or null when not known
 * @param message what is wrong, written for the person who has to fix it
 */
public record Violation(String path, Integer line, Integer column, String message) {

    public static final Comparator<Violation> BY_POSITION = Comparator
            .comparing((Violation v) -> v.line == null ? Integer.MAX_VALUE : v.line)
            .thenComparing(v -> v.column == null ? Integer.MAX_VALUE : v.column)
            .thenComparing(Violation::path);

    public static Violation at(String path, String message) {
        return new Violation(path, null, null, message);
    }

    /** One line for lists: the first violation and how many more there are; null for none. */
    public static String summary(java.util.List<Violation> violations) {
        if (violations.isEmpty()) {
            return null;
        }
        String first = violations.get(0).toString();
        return violations.size() == 1 ? first : first + " (and " + (violations.size() - 1) + " more)";
    }

    @Override
    public String toString() {
        String where = path.isEmpty() ? "(document)" : path;
        return line == null ? where + ": " + message : where + " (line " + line + ", column " + column + "): " + message;
    }
}
