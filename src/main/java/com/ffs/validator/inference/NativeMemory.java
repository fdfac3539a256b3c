package com.ffs.validator.inference;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import io.quarkus.logging.Log;

/**
 * Hands memory that native code has freed back to the operating system. Loading an ONNX graph parses the whole file
 * (hundreds of megabytes for a ViT-B) and copies its weights; glibc keeps the freed parse buffers mapped, so without
 * this every loaded model would leave about two thirds of its size as dead resident memory.
 */
final class NativeMemory {

    /** glibc's {@code M_MMAP_THRESHOLD} parameter of {@code mallopt}. */
    private static final int M_MMAP_THRESHOLD = -3;

    private static final Optional<MethodHandle> MALLOC_TRIM = lookup("malloc_trim",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));
    private static final Optional<MethodHandle> MALLOPT = lookup("mallopt",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private NativeMemory() {
    }

    /** Calls glibc's {@code malloc_trim(0)} where it exists; a no-op elsewhere (musl, macOS, Windows). */
    static void releaseFreed() {
        MALLOC_TRIM.ifPresent(trim -> {
            try {
                int released = (int) trim.invokeExact(0L);
                Log.debugf("malloc_trim released memory: %b", released == 1);
            } catch (Throwable e) {
                Log.debugf(e, "malloc_trim failed");
            }
        });
    }

    /**
     * Serves allocations of at least {@code bytes} from their own mappings, which go back to the operating system when
     * freed. glibc otherwise raises its threshold to the largest block freed (up to 32 MB), after which ONNX Runtime's
     * activation buffers stay resident in every thread's malloc arena that ever ran a batch. Calls glibc's
     * {@code mallopt(M_MMAP_THRESHOLD)}; a no-op elsewhere.
     *
     * @return whether the threshold was set
     */
    static boolean mapLargeAllocations(long bytes) {
        if (MALLOPT.isEmpty() || bytes <= 0 || bytes > Integer.MAX_VALUE) {
            return false;
        }
        try {
            return (int) MALLOPT.get().invokeExact(M_MMAP_THRESHOLD, (int) bytes) == 1;
        } catch (Throwable e) {
            Log.debugf(e, "mallopt failed");
            return false;
        }
    }

    private static Optional<MethodHandle> lookup(String name, FunctionDescriptor signature) {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find(name).map(symbol -> linker.downcallHandle(symbol, signature));
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
