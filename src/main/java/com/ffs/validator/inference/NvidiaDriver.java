package com.ffs.validator.inference;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.quarkus.logging.Log;

/**
 * Whether the NVIDIA driver's CUDA library can be loaded, checked before anything asks ONNX Runtime for CUDA; when it
 * loads, the driver's version, the CUDA version it supports and the CUDA and cuDNN libraries found are logged once,
 * so a driver too old for the image shows in the first lines of the log.
 */
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
            if (absence == null) {
                int driverCuda = intVersion("libcuda.so.1", "cuDriverGetVersion");
                int runtimeCuda = intVersion("libcudart.so.12", "cudaRuntimeGetVersion");
                String found = describe(driverVersion(), driverCuda, runtimeCuda, cudnnVersion());
                if (driverCuda > 0 && driverCuda / 1000 < runtimeCuda / 1000) {
                    Log.warn(found);
                } else {
                    Log.info(found);
                }
            }
        }
        return absence;
    }

    /** What ONNX Runtime's TensorRT provider library links against, beyond CUDA and cuDNN. */
    static final List<String> TENSORRT_LIBRARIES = List.of("libnvinfer.so.10", "libnvonnxparser.so.10");

    /**
     * Why the TensorRT provider cannot load, naming the libraries {@code loads} cannot find, or null when all load.
     * The service image carries CUDA and cuDNN but not TensorRT.
     */
    static String tensorrtLibrariesProblem(Predicate<String> loads) {
        List<String> missing = TENSORRT_LIBRARIES.stream().filter(loads.negate()).toList();
        if (missing.isEmpty()) {
            return null;
        }
        return "the TensorRT 10 libraries are not installed (" + String.join(", ", missing) + " not found); "
                + "install TensorRT 10 for CUDA 12 in the image, or set validator.inference.tensorrt=false";
    }

    /** Whether the dynamic linker finds and loads {@code library}. */
    static boolean loads(String library) {
        try {
            SymbolLookup.libraryLookup(library, Arena.global());
            return true;
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return false;
        }
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

    /**
     * The start-up line: driver version and the CUDA version it supports, then the CUDA runtime and cuDNN the
     * process found; negative or null parts are unknown.
     */
    static String describe(String driver, int driverCuda, int runtimeCuda, long cudnn) {
        StringBuilder b = new StringBuilder("NVIDIA driver ").append(driver == null ? "(version unknown)" : driver)
                .append(", supports CUDA ").append(driverCuda > 0 ? cudaVersion(driverCuda) : "(unknown)")
                .append("; CUDA runtime ").append(runtimeCuda > 0 ? cudaVersion(runtimeCuda) : "not found")
                .append(", cuDNN ").append(cudnn > 0 ? cudnnVersion(cudnn) : "not found");
        if (driverCuda > 0 && runtimeCuda > 0 && driverCuda / 1000 < runtimeCuda / 1000) {
            b.append(": the driver is older than the CUDA ").append(runtimeCuda / 1000)
                    .append(" libraries need; install a newer driver (DEPLOY.md names the floor)");
        } else if (driverCuda > 0 && runtimeCuda > 0 && driverCuda < runtimeCuda) {
            b.append(": the driver is older than the CUDA ").append(cudaVersion(runtimeCuda))
                    .append(" libraries, which then rely on CUDA minor version compatibility");
        }
        return b.toString();
    }

    /** A CUDA version number as the driver and runtime APIs give it (12040) in its usual form (12.4). */
    static String cudaVersion(int version) {
        return version / 1000 + "." + (version % 1000) / 10;
    }

    /** A cuDNN 9 version number (90501) in its usual form (9.5.1). */
    static String cudnnVersion(long version) {
        return version / 10000 + "." + (version % 10000) / 100 + "." + version % 100;
    }

    /** The driver version from the text of {@code /proc/driver/nvidia/version}, or null. */
    static String driverVersionFromProc(String text) {
        Matcher m = Pattern.compile("Kernel Module\\s+(?:for\\s+\\S+\\s+)?(\\d+\\.\\d+(?:\\.\\d+)?)").matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The driver version through NVML, else from procfs; null when neither answers. */
    private static String driverVersion() {
        try {
            SymbolLookup nvml = SymbolLookup.libraryLookup("libnvidia-ml.so.1", Arena.global());
            Linker linker = Linker.nativeLinker();
            MethodHandle init = linker.downcallHandle(nvml.find("nvmlInit_v2").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT));
            MethodHandle get = linker.downcallHandle(nvml.find("nvmlSystemGetDriverVersion").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            MethodHandle shutdown = linker.downcallHandle(nvml.find("nvmlShutdown").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT));
            if ((int) init.invokeExact() == 0) {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buffer = arena.allocate(96);
                    if ((int) get.invokeExact(buffer, 96) == 0) {
                        return buffer.getString(0);
                    }
                } finally {
                    int ignored = (int) shutdown.invokeExact();
                }
            }
        } catch (Throwable e) {
            Log.debugf("NVML did not give the driver version: %s", e.getMessage());
        }
        try {
            // Read as a stream: procfs files report size 0.
            try (InputStream in = Files.newInputStream(Path.of("/proc/driver/nvidia/version"))) {
                return driverVersionFromProc(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Calls {@code int function(int*)} of {@code library} and returns what it wrote, or -1. */
    private static int intVersion(String library, String function) {
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
            MethodHandle h = Linker.nativeLinker().downcallHandle(lookup.find(function).orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS));
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment out = arena.allocate(JAVA_INT);
                return (int) h.invokeExact(out) == 0 ? out.get(JAVA_INT, 0) : -1;
            }
        } catch (Throwable e) {
            return -1;
        }
    }

    private static long cudnnVersion() {
        try {
            SymbolLookup lookup = SymbolLookup.libraryLookup("libcudnn.so.9", Arena.global());
            MethodHandle h = Linker.nativeLinker().downcallHandle(lookup.find("cudnnGetVersion").orElseThrow(),
                    FunctionDescriptor.of(JAVA_LONG));
            return (long) h.invokeExact();
        } catch (Throwable e) {
            return -1;
        }
    }
}
