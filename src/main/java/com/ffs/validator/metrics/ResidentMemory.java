package com.ffs.validator.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * The process's resident memory, read from {@code /proc/self/status} (Linux; NaN elsewhere). The JVM's own meters show
 * the heap and direct buffers; what ONNX Runtime and the native decoders hold shows only here.
 */
@Singleton
public class ResidentMemory implements MeterBinder {

    private static final Path STATUS = Path.of("/proc/self/status");

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(MetricNames.RESIDENT_MEMORY, ResidentMemory::bytes).baseUnit("bytes").register(registry);
    }

    /** VmRSS in bytes, or NaN where it cannot be read. */
    static double bytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.substring(6).replace("kB", "").strip()) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or a kernel without the line: the gauge says it does not know.
        }
        return Double.NaN;
    }
}
