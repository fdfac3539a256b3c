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

    private static final Optional<MethodHandle> MALLOC_TRIM = lookup();

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

    private static Optional<MethodHandle> lookup() {
        try {
            Linker linker = Linker.nativeLinker();
            return linker.defaultLookup().find("malloc_trim").map(symbol -> linker.downcallHandle(symbol,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG)));
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty();
        }
    }
}
