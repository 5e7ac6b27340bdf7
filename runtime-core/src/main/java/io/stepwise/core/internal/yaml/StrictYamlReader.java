package io.stepwise.core.internal.yaml;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.stepwise.core.dsl.Violation;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one YAML document into a Jackson tree, strictly: duplicate keys are errors, aliases are
 * counted and their expansion is bounded in values and in bytes (an alias bomb is refused when its
 * expanded size passes the limit, never expanded), nesting depth is limited. Every value's
 * position is kept for error messages.
 */
public final class StrictYamlReader {

    public static final int MAX_BYTES = 256 * 1024;
    public static final int MAX_ALIASES = 50;
    public static final int MAX_DEPTH = 64;
    /** Nodes in the document with every alias expanded; far above any real workflow. */
    public static final int MAX_EXPANDED_NODES = 100_000;
    /**
     * Bytes of the document with every alias expanded (scalars, keys and a little per container,
     * close to its canonical JSON size). A file without aliases cannot reach it; a few large
     * strings aliased a few times can, and would otherwise become hundreds of megabytes of JSON.
     */
    public static final long MAX_EXPANDED_BYTES = 4L * MAX_BYTES;

    private static final YAMLFactory FACTORY = YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .disable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The outcome: a tree, or the violations that stopped the parse. */
    public record Result(SourceTree tree, List<Violation> violations) {
        public boolean ok() {
            return tree != null;
        }
    }

    private static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_BYTES + 1);
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_DEPTH + 1);
        return options;
    }

    public Result read(byte[] source) {
        if (source.length > MAX_BYTES) {
            return failure(new Violation("", 1, 1, "file is " + source.length + " bytes; the limit is "
                    + MAX_BYTES + " bytes (256 KiB)"));
        }
        Walk walk = new Walk();
        try (YAMLParser parser = (YAMLParser) FACTORY.createParser(source)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return failure(new Violation("", 1, 1, "the document is empty"));
            }
            JsonNode root = walk.value(parser, "", 1);
            if (walk.stop != null) {
                return failure(walk.stop);
            }
            if (parser.nextToken() != null) {
                JsonLocation at = parser.currentTokenLocation();
                return failure(new Violation("", at.getLineNr(), at.getColumnNr(),
                        "only one YAML document per file is allowed"));
            }
            if (!walk.violations.isEmpty()) {
                return new Result(null, walk.violations);
            }
            return new Result(new SourceTree(root, walk.valuePositions, walk.keyPositions,
                    new String(source, java.nio.charset.StandardCharsets.UTF_8)), List.of());
        } catch (JacksonException e) {
            List<Violation> found = new ArrayList<>(walk.violations);
            found.add(syntaxError(e));
            return new Result(null, found);
        } catch (IOException | RuntimeException e) {
            // SnakeYAML signals some limits with unchecked exceptions; report them, never throw.
            return failure(new Violation("", 1, 1, "cannot read YAML: " + firstLine(e.getMessage())));
        }
    }

    private static Violation syntaxError(JacksonException e) {
        Throwable cause = e.getCause();
        if (cause instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
            String problem = marked.getProblem() == null ? "invalid YAML" : marked.getProblem();
            String context = marked.getContext() == null ? "" : " (" + marked.getContext() + ")";
            return new Violation("", marked.getProblemMark().getLine() + 1, marked.getProblemMark().getColumn() + 1,
                    "YAML syntax error: " + problem + context);
        }
        JsonLocation at = e.getLocation();
        int line = at == null || at.getLineNr() < 1 ? 1 : at.getLineNr();
        int column = at == null || at.getColumnNr() < 1 ? 1 : at.getColumnNr();
        return new Violation("", line, column, "YAML syntax error: " + firstLine(e.getOriginalMessage()));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    private static Result failure(Violation v) {
        return new Result(null, List.of(v));
    }

    /** State of one read: positions, anchors, counters and the first fatal problem. */
    private static final class Walk {
        final Map<String, int[]> valuePositions = new HashMap<>();
        final Map<String, int[]> keyPositions = new HashMap<>();
        final Map<String, Anchor> anchors = new HashMap<>();
        final List<Violation> violations = new ArrayList<>();
        int aliases;
        long expandedNodes;
        long expandedBytes;
        Violation stop;

        record Anchor(JsonNode node, long size, long bytes) {
        }

        JsonNode value(YAMLParser p, String path, int depth) throws IOException {
            JsonLocation at = p.currentTokenLocation();
            int[] pos = {at.getLineNr(), at.getColumnNr()};
            valuePositions.put(path, pos);
            if (p.isCurrentAlias()) {
                return alias(p.getText(), path, pos);
            }
            String anchor = p.getObjectId();
            long before = expandedNodes;
            long bytesBefore = expandedBytes;
            JsonNode node = switch (p.currentToken()) {
                case START_OBJECT -> object(p, path, depth, pos);
                case START_ARRAY -> array(p, path, depth, pos);
                default -> scalar(p);
            };
            expandedNodes++;
            // quotes or brackets and a separator; a scalar adds its text
            expandedBytes += 3 + (node != null && node.isValueNode() ? node.asText().length() : 0);
            if (anchor != null && node != null) {
                anchors.put(anchor, new Anchor(node, expandedNodes - before, expandedBytes - bytesBefore));
            }
            return node;
        }

        private JsonNode alias(String name, String path, int[] pos) {
            Anchor anchor = anchors.get(name);
            if (anchor == null) {
                fatal(new Violation(path, pos[0], pos[1], "alias *" + name
                        + " refers to no anchor defined before it (anchors are supported on maps and lists)"));
                return NODES.nullNode();
            }
            if (++aliases > MAX_ALIASES) {
                fatal(new Violation(path, pos[0], pos[1], "more than " + MAX_ALIASES + " aliases in one file"));
            }
            expandedNodes += anchor.size();
            expandedBytes += anchor.bytes();
            if (expandedNodes > MAX_EXPANDED_NODES) {
                fatal(new Violation(path, pos[0], pos[1], "aliases expand to more than " + MAX_EXPANDED_NODES
                        + " values; this looks like an alias bomb"));
            } else if (expandedBytes > MAX_EXPANDED_BYTES) {
                fatal(new Violation(path, pos[0], pos[1], "alias *" + name + " expands the document past "
                        + MAX_EXPANDED_BYTES + " bytes (1 MiB, aliases included); this looks like an alias bomb"));
            }
            return anchor.node();
        }

        private ObjectNode object(YAMLParser p, String path, int depth, int[] pos) throws IOException {
            checkDepth(path, depth, pos);
            ObjectNode node = NODES.objectNode();
            while (stop == null && p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                expandedBytes += key.length() + 3;
                String child = Paths.key(path, key);
                JsonLocation keyAt = p.currentTokenLocation();
                boolean duplicate = node.has(key);
                if (duplicate) {
                    violations.add(new Violation(child, keyAt.getLineNr(), keyAt.getColumnNr(),
                            "duplicate key '" + key + "'"));
                } else {
                    keyPositions.put(child, new int[]{keyAt.getLineNr(), keyAt.getColumnNr()});
                }
                p.nextToken();
                if (duplicate) {
                    value(p, child + "#duplicate", depth + 1);
                } else {
                    node.set(key, value(p, child, depth + 1));
                }
            }
            return node;
        }

        private ArrayNode array(YAMLParser p, String path, int depth, int[] pos) throws IOException {
            checkDepth(path, depth, pos);
            ArrayNode node = NODES.arrayNode();
            int i = 0;
            for (JsonToken t = p.nextToken(); stop == null && t != null && t != JsonToken.END_ARRAY; t = p.nextToken()) {
                node.add(value(p, Paths.index(path, i++), depth + 1));
            }
            return node;
        }

        private JsonNode scalar(YAMLParser p) throws IOException {
            return switch (p.currentToken()) {
                case VALUE_NULL -> NODES.nullNode();
                case VALUE_TRUE -> NODES.booleanNode(true);
                case VALUE_FALSE -> NODES.booleanNode(false);
                case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                    case INT, LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
                case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
                default -> NODES.textNode(p.getText());
            };
        }

        private void checkDepth(String path, int depth, int[] pos) {
            if (depth > MAX_DEPTH) {
                fatal(new Violation(path, pos[0], pos[1], "nesting is deeper than " + MAX_DEPTH + " levels"));
            }
        }

        private void fatal(Violation v) {
            if (stop == null) {
                stop = v;
            }
        }
    }
}
