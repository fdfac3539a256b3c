package com.ffs.validator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ConfigKeys;

/** Every validator.* property is documented on its interface and in the README's configuration table. */
class ConfigurationDocsTest {

    @Test
    void everyPropertyShouldAppearInTheReadme() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> keys = ConfigKeys.all();
        assertThat(keys).hasSizeGreaterThan(30);
        for (String key : keys) {
            assertThat(readme).as("README documents " + key).contains("`" + key + "`");
        }
    }
}
