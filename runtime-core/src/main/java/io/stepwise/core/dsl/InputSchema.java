package io.stepwise.core.dsl;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The schema of one launch input.
 *
 * @param defaultValue applied when the input is absent; null when there is none
 * @param allowed      the {@code enum} values; empty when any value of the type is allowed
 * @param pattern      a regular expression a string must match (whole string), or null
 */
public record InputSchema(
        String name,
        InputType type,
        boolean required,
        JsonNode defaultValue,
        List<JsonNode> allowed,
        BigDecimal minimum,
        BigDecimal maximum,
        Pattern pattern,
        boolean secret,
        String description) {
}
