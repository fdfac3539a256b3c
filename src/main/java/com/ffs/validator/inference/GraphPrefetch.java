package com.ffs.validator.inference;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import io.quarkus.logging.Log;

/**
 * Reads the graph files ahead of ONNX Runtime, in load order, so that while one session is being built (CPU work)
 * the next graph's file is already coming from disk. Model files are hundreds of megabytes; on a cold page cache (a
 * fresh pod, a network volume) reading them is a good part of the start-up time.
 */
final class GraphPrefetch {

    private static final int CHUNK = 1 << 20;

    private GraphPrefetch() {
    }

    /** Starts reading {@code files} on a daemon thread; interrupt it to stop early. */
    static Thread start(List<Path> files) {
        Thread thread = new Thread(() -> read(files), "model-prefetch");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Reads each file through once; returns the bytes read. Stops quietly when interrupted. */
    static long read(List<Path> files) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
        long total = 0;
        for (Path file : files) {
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                int n;
                while ((n = channel.read(buffer.clear())) > 0) {
                    total += n;
                }
            } catch (IOException e) {
                // The loader reports unreadable files itself; an interrupt closes the channel and ends here.
                Log.debugf("Prefetch of %s stopped: %s", file, e);
                if (Thread.currentThread().isInterrupted()) {
                    break;
                }
            }
        }
        return total;
    }
}
