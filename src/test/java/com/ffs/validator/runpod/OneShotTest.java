package com.ffs.validator.runpod;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the one-shot job comes from: RUNPOD_TEST_INPUT, the config key, or ./test_input.json. */
class OneShotTest {

    @TempDir
    Path dir;

    @Test
    void shouldFindTestInputInTheWorkingDirectory() throws Exception {
        assertThat(OneShot.locate(Optional.empty(), Optional.empty(), dir)).isEmpty();
        Files.writeString(dir.resolve("test_input.json"), "{\"input\": {}}");
        assertThat(OneShot.locate(Optional.empty(), Optional.empty(), dir).orElseThrow().file())
                .contains(dir.resolve("test_input.json"));
    }

    @Test
    void shouldPreferTheEnvironmentThenTheConfigKey() throws Exception {
        Files.writeString(dir.resolve("test_input.json"), "{\"input\": {}}");
        assertThat(OneShot.locate(Optional.of("/jobs/a.json"), Optional.of("/jobs/b.json"), dir).orElseThrow().file())
                .contains(Path.of("/jobs/a.json"));
        assertThat(OneShot.locate(Optional.empty(), Optional.of("/jobs/b.json"), dir).orElseThrow().file())
                .contains(Path.of("/jobs/b.json"));
    }

    @Test
    void shouldTakeInlineJson() {
        OneShot.Source source = OneShot.locate(Optional.of(" {\"input\": {\"images\": []}}"), Optional.empty(), dir)
                .orElseThrow();
        assertThat(source.file()).isEmpty();
        assertThat(source.inline()).contains("{\"input\": {\"images\": []}}");
    }
}
