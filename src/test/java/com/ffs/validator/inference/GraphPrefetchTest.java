package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphPrefetchTest {

    @Test
    void readsEveryFileThroughAndSkipsOnesThatCannotBeRead(@TempDir Path dir) throws IOException {
        Path a = Files.write(dir.resolve("a.onnx"), new byte[3 << 20]);
        Path b = Files.write(dir.resolve("b.onnx"), new byte[12345]);
        assertThat(GraphPrefetch.read(List.of(a, dir.resolve("missing.onnx"), b))).isEqualTo((3 << 20) + 12345);
    }

    @Test
    void stopsWhenInterrupted(@TempDir Path dir) throws Exception {
        Path a = Files.write(dir.resolve("a.onnx"), new byte[1 << 20]);
        Thread thread = GraphPrefetch.start(List.of(a, a, a, a, a, a, a, a));
        thread.interrupt();
        thread.join(5000);
        assertThat(thread.isAlive()).isFalse();
        assertThat(thread.isDaemon()).isTrue();
    }
}
