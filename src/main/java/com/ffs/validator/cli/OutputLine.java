package com.ffs.validator.cli;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One line of {@code bulk}'s output: {@code line}, {@code id} when given, {@code url}, then the service's result
 * fields as it sent them ({@code error} first when present, so that a resume reads only the start of each line).
 * Fields are written through, not listed here, so fields that later versions of the service add reach the output.
 */
final class OutputLine {

    private OutputLine() {
    }

    static ObjectNode of(ObjectMapper mapper, InputRecord input, JsonNode result) {
        ObjectNode out = mapper.createObjectNode();
        out.put("line", input.line());
        if (input.id() != null) {
            out.put("id", input.id());
        }
        if (input.url() != null) {
            out.put("url", Shown.of(input.url()));
        }
        JsonNode error = result.get("error");
        if (error != null && !error.isNull()) {
            out.set("error", error);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = result.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!out.has(field.getKey())) {
                out.set(field.getKey(), field.getValue());
            }
        }
        return out;
    }

    /** A line for an image without a result: {@code error} with a code and message. */
    static ObjectNode error(ObjectMapper mapper, InputRecord input, String code, String message) {
        ObjectNode result = mapper.createObjectNode();
        result.putObject("error").put("code", code).put("message", message);
        return of(mapper, input, result);
    }
}
