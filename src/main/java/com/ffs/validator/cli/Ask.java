package com.ffs.validator.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.ffs.validator.validation.ValidationRequest;

/**
 * What each request of a bulk run asks of its images: one of the seed's actions, or a list of checks.
 *
 * @param action the action, when no checks are given
 * @param checks the checks (nsfw, fashion, embedding, quality, codes), or null
 */
record Ask(String action, List<String> checks) {

    /** The request body's fields for {@code images}. */
    Map<String, Object> body(List<String> images) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (checks != null) {
            body.put("checks", checks);
        } else {
            body.put("action", action);
        }
        body.put("images", images);
        return body;
    }

    /** The same request for the service in this process. */
    ValidationRequest request(List<String> images) {
        return new ValidationRequest(checks != null ? null : action, images, null, null, null, null, null, checks);
    }

    /** How the run describes it. */
    String describe() {
        return checks != null ? "checks " + String.join(",", checks) : "action " + action;
    }
}
