package com.ffs.validator.inference;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.util.Locale;

/** Whether the NVIDIA driver's CUDA library can be loaded, checked before anything asks ONNX Runtime for CUDA. */
final class NvidiaDriver {

    private static volatile String absence;
    private static volatile boolean checked;

    private NvidiaDriver() {
    }

    /** Why CUDA cannot work here (no driver library), or null when the driver library loads. */
    static String absence() {
        if (!checked) {
            absence = probe();
            checked = true;
        }
        return absence;
    }

    private static String probe() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String library = os.contains("win") ? "nvcuda.dll" : os.contains("mac") ? null : "libcuda.so.1";
        if (library == null) {
            return "CUDA does not run on macOS";
        }
        try {
            // The global arena keeps the library loaded; ONNX Runtime loads it again moments later anyway.
            SymbolLookup.libraryLookup(library, Arena.global());
            return null;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return "no NVIDIA driver on this machine (" + library + " not found)";
        }
    }
}
