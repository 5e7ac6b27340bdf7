package io.stepwise.core.inputs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.core.dsl.InputSchema;
import io.stepwise.core.dsl.Violation;
import io.stepwise.core.dsl.WorkflowDefinition;
import io.stepwise.core.internal.dsl.InputRules;
import io.stepwise.core.redact.Redactor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks launch inputs against a definition's {@code inputs} schema and applies defaults. Every
 * problem is reported, one violation per field, with the field name as the path.
 */
public final class InputValidator {

    /** The inputs with defaults applied (in declaration order), or the violations. */
    public record Result(ObjectNode values, List<Violation> violations) {
        public boolean valid() {
            return violations.isEmpty();
        }
    }

    private InputValidator() {
    }

    public static Result validate(WorkflowDefinition definition, JsonNode given) {
        List<Violation> violations = new ArrayList<>();
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        if (given != null && !given.isNull() && !given.isObject()) {
            violations.add(Violation.at("inputs", "inputs must be a JSON object of input name to value"));
            return new Result(values, violations);
        }
        JsonNode inputs = given == null || given.isNull() ? JsonNodeFactory.instance.objectNode() : given;
        Map<String, InputSchema> schemas = definition.inputs();
        for (InputSchema schema : schemas.values()) {
            JsonNode value = inputs.get(schema.name());
            if (value == null || value.isNull()) {
                if (schema.defaultValue() != null) {
                    values.set(schema.name(), InputRules.normalize(schema, schema.defaultValue()));
                } else if (schema.required()) {
                    violations.add(Violation.at(schema.name(), "required input '" + schema.name() + "' is missing"));
                }
                continue;
            }
            List<String> problems = InputRules.problems(schema, value);
            if (problems.isEmpty()) {
                values.set(schema.name(), InputRules.normalize(schema, value));
            } else {
                String message = "input '" + schema.name() + "' " + String.join("; ", problems);
                // a message about a secret input never repeats the value it was given
                violations.add(Violation.at(schema.name(), schema.secret()
                        ? Redactor.of(java.util.Set.of(schema.name()), inputs).redact(message) : message));
            }
        }
        inputs.fieldNames().forEachRemaining(name -> {
            if (!schemas.containsKey(name)) {
                violations.add(Violation.at(name, "unknown input '" + name + "'"
                        + (schemas.isEmpty() ? "; this workflow takes no inputs" : "; declared: " + String.join(", ", schemas.keySet()))));
            }
        });
        return new Result(values, List.copyOf(violations));
    }
}
