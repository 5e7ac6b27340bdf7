package io.stepwise.core.internal.dsl;

import io.stepwise.core.dsl.Violation;
import io.stepwise.core.internal.yaml.Paths;
import io.stepwise.core.internal.yaml.SourceTree;

import java.util.ArrayList;
import java.util.List;

/** The one collector every part of the reader adds to: each violation with its path, line and column. */
final class Violations {
    private final SourceTree tree;
    private final List<Violation> found = new ArrayList<>();

    Violations(SourceTree tree) {
        this.tree = tree;
    }

    /** A problem with a value: the position is the value's. */
    void atValue(String path, String message) {
        found.add(tree.atValue(path, message));
    }

    /** A problem with a key (an unknown field, a bad name): the position is the key's. */
    void atKey(String path, String message) {
        found.add(tree.atKey(path, message));
    }

    /** A problem inside a string (an expression): the position is the offset's. */
    void atOffset(String path, int offset, String message) {
        found.add(tree.atOffset(path, offset, message));
    }

    /** A missing field: the path names the field, the position is its parent's. */
    void missing(String parentPath, String field, String message) {
        Violation at = tree.atKey(parentPath, message);
        found.add(new Violation(Paths.key(parentPath, field), at.line(), at.column(), message));
    }

    int count() {
        return found.size();
    }

    List<Violation> list() {
        return found;
    }
}
