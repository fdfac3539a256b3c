package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code docs/image-compatibility.md} names the golden files that check each of its rows: every compatibility case the
 * golden script makes appears there, so a variant cannot be added (or dropped) without the table saying what happens
 * to it.
 */
class ImageCompatibilityDocsTest {

    @Test
    void shouldNameEveryCompatibilityGoldenInTheTable() throws IOException {
        String doc = Files.readString(Path.of("docs/image-compatibility.md"));
        List<String> missing = new ArrayList<>();
        int cases = 0;
        for (JsonNode c : Goldens.manifest().get("cases")) {
            if (c.has("category")) {
                cases++;
                String file = c.get("file").asText();
                if (!doc.contains("`" + file + "`")) {
                    missing.add(file);
                }
            }
        }
        assertThat(cases).as("compatibility cases in the manifest").isGreaterThan(100);
        assertThat(missing).as("golden files the compatibility table does not name").isEmpty();
    }
}
