package com.ffs.validator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.ConfigKeys;

/** Every validator.* property is documented on its interface and in the table of docs/configuration.md. */
class ConfigurationDocsTest {

    @Test
    void everyPropertyShouldAppearInTheConfigurationTable() throws Exception {
        String table = Files.readString(Path.of("docs/configuration.md"));
        List<String> keys = ConfigKeys.all();
        assertThat(keys).hasSizeGreaterThan(30);
        for (String key : keys) {
            assertThat(table).as("docs/configuration.md documents " + key).contains("`" + key + "`");
        }
    }
}
