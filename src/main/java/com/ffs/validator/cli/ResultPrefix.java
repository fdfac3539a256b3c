package com.ffs.validator.cli;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The fields {@code bulk} writes first on each output line ({@code line}, {@code id}, {@code url}, {@code error}),
 * read without decoding the rest: reading stops at the first other field, so a resume or a join reads past
 * embeddings.
 *
 * @param line the input line number
 * @param id the caller's id, or null
 * @param url the image as shown, or null
 * @param code the error code, or null for a result
 * @param message the error message, or null
 */
record ResultPrefix(long line, String id, String url, String code, String message) {

    private static final JsonFactory JSON = new JsonFactory();

    /** Reads a line (a JSON object ending in {@code }}); null when it is not an output line of {@code bulk}. */
    static ResultPrefix read(byte[] bytes) throws IOException {
        int end = bytes.length - 1;
        while (end >= 0 && (bytes[end] == ' ' || bytes[end] == '\r' || bytes[end] == '\t')) {
            end--;
        }
        if (end < 0 || bytes[end] != '}') {
            return null;
        }
        Long line = null;
        String id = null;
        String url = null;
        String code = null;
        String message = null;
        try (JsonParser p = JSON.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            fields: while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "line" -> {
                        if (value != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        line = p.getLongValue();
                    }
                    case "id" -> id = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "url" -> url = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "error" -> {
                        if (value != JsonToken.START_OBJECT) {
                            return null;
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            JsonToken v = p.nextToken();
                            if (field.equals("code") && v == JsonToken.VALUE_STRING) {
                                code = p.getText();
                            } else if (field.equals("message") && v == JsonToken.VALUE_STRING) {
                                message = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                        if (code == null) {
                            return null;
                        }
                    }
                    default -> {
                        break fields;
                    }
                }
            }
        } catch (JsonProcessingException e) {
            return null;
        }
        return line == null || line < 1 ? null : new ResultPrefix(line, id, url, code, message);
    }
}
