package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

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
    void readsNothingOnceInterruptedAndKeepsTheInterrupt(@TempDir Path dir) throws IOException {
        Path a = Files.write(dir.resolve("a.onnx"), new byte[1 << 20]);
        Thread.currentThread().interrupt();
        try {
            assertThat(GraphPrefetch.read(List.of(a, a, a))).isZero();
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void aStartedPrefetchStopsWhenInterruptedInAFileThatNeverEnds(@TempDir Path dir) throws Exception {
        // A named pipe whose writer stays open: reading it through never ends, only an interrupt stops the reader.
        Path endless = dir.resolve("endless.onnx");
        assertThat(new ProcessBuilder("mkfifo", endless.toString()).start().waitFor()).isZero();
        CountDownLatch fed = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread writer = Thread.ofPlatform().daemon(true).start(() -> {
            try (OutputStream out = Files.newOutputStream(endless)) {
                out.write(new byte[4096]);
                out.flush();
                fed.countDown();
                done.await();
            } catch (IOException | InterruptedException e) {
                // The reader hung up, or the test is over.
            }
        });
        Thread prefetch = GraphPrefetch.start(List.of(endless));
        try {
            assertThat(fed.await(10, TimeUnit.SECONDS)).as("the reader opened the pipe").isTrue();
            assertThat(prefetch.isDaemon()).isTrue();

            prefetch.interrupt();
            prefetch.join(TimeUnit.SECONDS.toMillis(10));

            assertThat(prefetch.isAlive()).as("the prefetch stopped on the interrupt").isFalse();
        } finally {
            done.countDown();
            writer.join(TimeUnit.SECONDS.toMillis(10));
        }
    }
}
