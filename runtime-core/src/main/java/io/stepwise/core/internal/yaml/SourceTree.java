package io.stepwise.core.internal.yaml;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.core.dsl.Violation;

import java.util.Map;

/**
 * A parsed YAML document as a Jackson tree, with the source position of every value and key,
 * keyed by display path ({@code steps[0].with.url}).
 */
public record SourceTree(JsonNode root, Map<String, int[]> valuePositions, Map<String, int[]> keyPositions,
                         String source) {

    public static SourceTree withoutPositions(JsonNode root) {
        return new SourceTree(root, Map.of(), Map.of(), "");
    }

    /** A violation positioned at the value under {@code path}, or its nearest positioned ancestor. */
    public Violation atValue(String path, String message) {
        return positioned(path, message, valuePositions);
    }

    /** A violation positioned at the key of {@code path} (for unknown or duplicate keys). */
    public Violation atKey(String path, String message) {
        for (String p = path; !p.isEmpty(); p = Paths.parent(p)) {
            int[] pos = keyPositions.get(p);
            if (pos != null) {
                return new Violation(path, pos[0], pos[1], message);
            }
            if (valuePositions.containsKey(p)) {
                break;
            }
        }
        return atValue(path, message);
    }

    /** The 1-based line and column of the value under {@code path}, or null when unknown. */
    public int[] position(String path) {
        String p = path;
        while (true) {
            int[] pos = valuePositions.get(p);
            if (pos != null || p.isEmpty()) {
                return pos;
            }
            p = Paths.parent(p);
        }
    }

    /**
     * A violation inside the string value at {@code path}, {@code offset} characters into it
     * (an expression's error). The column is exact for one-line plain and quoted scalars.
     */
    public Violation atOffset(String path, int offset, String message) {
        int[] pos = valuePositions.get(path);
        if (pos == null) {
            return atValue(path, message);
        }
        String line = line(pos[0]);
        int column = pos[1];
        if (column - 1 < line.length()) {
            char first = line.charAt(column - 1);
            boolean quoted = first == '"' || first == '\'';
            boolean block = first == '|' || first == '>';
            if (!block) {
                column += (quoted ? 1 : 0) + offset;
            }
        }
        return new Violation(path, pos[0], column, message);
    }

    private String line(int number) {
        int start = 0;
        for (int i = 1; i < number && start >= 0; i++) {
            start = source.indexOf('\n', start);
            start = start < 0 ? -1 : start + 1;
        }
        if (start < 0 || start > source.length()) {
            return "";
        }
        int end = source.indexOf('\n', start);
        return source.substring(start, end < 0 ? source.length() : end);
    }

    private Violation positioned(String path, String message, Map<String, int[]> positions) {
        int[] pos = position(path);
        return pos == null ? Violation.at(path, message) : new Violation(path, pos[0], pos[1], message);
    }
}
