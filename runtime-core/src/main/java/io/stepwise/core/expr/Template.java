package io.stepwise.core.expr;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.internal.yaml.Paths;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A value from a definition (a {@code with} block, an output, a {@code when}) with its
 * {@code ${{ }}} expressions compiled. A string that is exactly one expression takes the
 * expression's value and type; a string with text around expressions is interpolated.
 */
public abstract sealed class Template {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String OPEN = "${{";
    private static final String CLOSE = "}}";

    /** A problem found while compiling: the relative path inside the value, the offset inside the string. */
    public record Problem(String relativePath, int offset, String message) {
    }

    public abstract JsonNode evaluate(Variables variables) throws ExpressionException;

    /** True when the value holds no expression: it evaluates to itself. */
    public abstract boolean isLiteral();

    /** Receives each expression with the relative path of the string holding it and its offset in that string. */
    @FunctionalInterface
    public interface ExpressionVisitor {
        void visit(String relativePath, int offset, Expression expression);
    }

    /** Visits every expression in document order. */
    public abstract void forEachExpression(String relativePath, ExpressionVisitor visitor);

    /** An expression inside a string, and where its text starts. */
    private record Part(Expression expression, int offset) {
    }

    /** The value as written, before evaluation. */
    public abstract JsonNode raw();

    /** Compiles every expression inside {@code value}; problems are collected, never thrown. */
    public static Template compile(JsonNode value, List<Problem> problems) {
        return compile(value, "", problems);
    }

    public static boolean containsExpression(String text) {
        return text.contains(OPEN);
    }

    private static Template compile(JsonNode value, String path, List<Problem> problems) {
        if (value == null) {
            return new Literal(NODES.nullNode());
        }
        if (value.isTextual()) {
            return compileString(value, path, problems);
        }
        if (value.isObject()) {
            Map<String, Template> fields = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), compile(e.getValue(), childKey(path, e.getKey()), problems));
            }
            return fields.values().stream().allMatch(Template::isLiteral) ? new Literal(value) : new Obj(value, fields);
        }
        if (value.isArray()) {
            List<Template> items = new ArrayList<>();
            for (int i = 0; i < value.size(); i++) {
                items.add(compile(value.get(i), Paths.index(path, i), problems));
            }
            return items.stream().allMatch(Template::isLiteral) ? new Literal(value) : new Arr(value, items);
        }
        return new Literal(value);
    }

    private static String childKey(String path, String key) {
        return Paths.key(path, key);
    }

    private static Template compileString(JsonNode node, String path, List<Problem> problems) {
        String text = node.textValue();
        if (!text.contains(OPEN)) {
            return new Literal(node);
        }
        List<Object> parts = new ArrayList<>();
        int pos = 0;
        while (pos < text.length()) {
            int start = text.indexOf(OPEN, pos);
            if (start < 0) {
                parts.add(text.substring(pos));
                break;
            }
            if (start > pos) {
                parts.add(text.substring(pos, start));
            }
            int bodyStart = start + OPEN.length();
            int end = closingBraces(text, bodyStart);
            if (end < 0) {
                problems.add(new Problem(path, start, "'${{' is not closed with '}}'"));
                return new Literal(node);
            }
            String body = text.substring(bodyStart, end);
            int lead = body.length() - body.stripLeading().length();
            try {
                parts.add(new Part(Expressions.compile(body), bodyStart + lead));
            } catch (ExpressionException e) {
                problems.add(new Problem(path, bodyStart + lead + e.offset(), e.getMessage()));
                return new Literal(node);
            }
            pos = end + CLOSE.length();
        }
        if (parts.size() == 1 && parts.get(0) instanceof Part only) {
            return new Single(node, only);
        }
        return new Interpolated(node, parts);
    }

    /** Index of the '}}' that closes an expression, skipping braces and quotes inside the CEL text. */
    private static int closingBraces(String text, int from) {
        int depth = 0;
        String quote = null;
        boolean raw = false;
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quote != null) {
                if (c == '\\' && !raw) {
                    i++;
                } else if (text.startsWith(quote, i)) {
                    i += quote.length() - 1;
                    quote = null;
                }
            } else if (c == '\'' || c == '"') {
                // CEL strings: '...', "...", triple-quoted '''...''' and """...""", raw r'...' without escapes
                boolean triple = text.startsWith(String.valueOf(c).repeat(3), i);
                quote = triple ? String.valueOf(c).repeat(3) : String.valueOf(c);
                raw = i > from && (text.charAt(i - 1) == 'r' || text.charAt(i - 1) == 'R');
                i += quote.length() - 1;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                if (depth == 0 && i + 1 < text.length() && text.charAt(i + 1) == '}') {
                    return i;
                }
                depth = Math.max(0, depth - 1);
            }
        }
        return -1;
    }

    /** How a value is written into an interpolated string: text as is, null as empty, the rest as JSON. */
    public static String asText(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        return value.isTextual() ? value.textValue() : value.toString();
    }

    static final class Literal extends Template {
        private final JsonNode value;

        Literal(JsonNode value) {
            this.value = value;
        }

        @Override
        public JsonNode evaluate(Variables variables) {
            return value;
        }

        @Override
        public boolean isLiteral() {
            return true;
        }

        @Override
        public void forEachExpression(String relativePath, ExpressionVisitor visitor) {
        }

        @Override
        public JsonNode raw() {
            return value;
        }
    }

    static final class Single extends Template {
        private final JsonNode raw;
        private final Part part;

        Single(JsonNode raw, Part part) {
            this.raw = raw;
            this.part = part;
        }

        @Override
        public JsonNode evaluate(Variables variables) throws ExpressionException {
            return part.expression().evaluate(variables);
        }

        @Override
        public boolean isLiteral() {
            return false;
        }

        @Override
        public void forEachExpression(String relativePath, ExpressionVisitor visitor) {
            visitor.visit(relativePath, part.offset(), part.expression());
        }

        @Override
        public JsonNode raw() {
            return raw;
        }
    }

    static final class Interpolated extends Template {
        private final JsonNode raw;
        private final List<Object> parts;

        Interpolated(JsonNode raw, List<Object> parts) {
            this.raw = raw;
            this.parts = List.copyOf(parts);
        }

        @Override
        public JsonNode evaluate(Variables variables) throws ExpressionException {
            StringBuilder out = new StringBuilder();
            for (Object part : parts) {
                out.append(part instanceof Part p ? asText(p.expression().evaluate(variables)) : (String) part);
            }
            return NODES.textNode(out.toString());
        }

        @Override
        public boolean isLiteral() {
            return false;
        }

        @Override
        public void forEachExpression(String relativePath, ExpressionVisitor visitor) {
            for (Object part : parts) {
                if (part instanceof Part p) {
                    visitor.visit(relativePath, p.offset(), p.expression());
                }
            }
        }

        @Override
        public JsonNode raw() {
            return raw;
        }
    }

    static final class Obj extends Template {
        private final JsonNode raw;
        private final Map<String, Template> fields;

        Obj(JsonNode raw, Map<String, Template> fields) {
            this.raw = raw;
            this.fields = fields;
        }

        @Override
        public JsonNode evaluate(Variables variables) throws ExpressionException {
            ObjectNode out = NODES.objectNode();
            for (Map.Entry<String, Template> e : fields.entrySet()) {
                out.set(e.getKey(), e.getValue().evaluate(variables));
            }
            return out;
        }

        @Override
        public boolean isLiteral() {
            return false;
        }

        @Override
        public void forEachExpression(String relativePath, ExpressionVisitor visitor) {
            fields.forEach((k, t) -> t.forEachExpression(childKey(relativePath, k), visitor));
        }

        @Override
        public JsonNode raw() {
            return raw;
        }
    }

    static final class Arr extends Template {
        private final JsonNode raw;
        private final List<Template> items;

        Arr(JsonNode raw, List<Template> items) {
            this.raw = raw;
            this.items = List.copyOf(items);
        }

        @Override
        public JsonNode evaluate(Variables variables) throws ExpressionException {
            ArrayNode out = NODES.arrayNode();
            for (Template item : items) {
                out.add(item.evaluate(variables));
            }
            return out;
        }

        @Override
        public boolean isLiteral() {
            return false;
        }

        @Override
        public void forEachExpression(String relativePath, ExpressionVisitor visitor) {
            for (int i = 0; i < items.size(); i++) {
                items.get(i).forEachExpression(Paths.index(relativePath, i), visitor);
            }
        }

        @Override
        public JsonNode raw() {
            return raw;
        }
    }
}
