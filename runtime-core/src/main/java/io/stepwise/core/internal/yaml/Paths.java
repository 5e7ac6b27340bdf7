package io.stepwise.core.internal.yaml;

/** Display paths: {@code steps[2].with.url}, {@code inputs["odd key"]}. */
public final class Paths {
    private Paths() {
    }

    public static String key(String parent, String key) {
        if (isSimple(key)) {
            return parent.isEmpty() ? key : parent + "." + key;
        }
        return parent + "[\"" + key.replace("\"", "\\\"") + "\"]";
    }

    /**
     * {@code [A-Za-z_$][A-Za-z0-9_$-]*}, by hand: every key of every file passes here, and the
     * regex was 5% of parsing a pack.
     */
    private static boolean isSimple(String key) {
        if (key.isEmpty()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '$';
            if (!letter && (i == 0 || !((c >= '0' && c <= '9') || c == '-'))) {
                return false;
            }
        }
        return true;
    }

    public static String index(String parent, int index) {
        return parent + "[" + index + "]";
    }

    /** Appends a relative path ({@code a.b}, {@code [2].c}) to a base path. */
    public static String join(String base, String relative) {
        if (relative.isEmpty()) {
            return base;
        }
        if (base.isEmpty() || relative.startsWith("[")) {
            return base + relative;
        }
        return base + "." + relative;
    }

    public static String parent(String path) {
        if (path.isEmpty()) {
            return "";
        }
        if (path.endsWith("]")) {
            int open = path.lastIndexOf('[');
            // the last bracket may be inside a quoted key; good enough for display paths
            return open <= 0 ? "" : path.substring(0, open);
        }
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf(']');
        int cut = Math.max(dot, bracket + 1 > 0 ? bracket + 1 : -1);
        if (cut <= 0) {
            return "";
        }
        return dot > bracket ? path.substring(0, dot) : path.substring(0, bracket + 1);
    }
}
