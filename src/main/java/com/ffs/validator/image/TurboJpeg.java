package com.ffs.validator.image;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * libjpeg-turbo's TurboJPEG API (the library Pillow decodes JPEG with) called through the FFM API. Decoding uses
 * libjpeg's defaults, the accurate integer IDCT and fancy upsampling, as Pillow does, so pixels match Pillow's
 * built against the same libjpeg-turbo.
 *
 * <p>
 * Only the TurboJPEG 2 functions are used; libjpeg-turbo 3 still exports them.
 */
final class TurboJpeg {

    private static final Logger LOG = Logger.getLogger(TurboJpeg.class);
    private static final List<String> LIBRARY_NAMES = List.of("libturbojpeg.so.0", "libturbojpeg.so",
            "libturbojpeg.0.dylib", "libturbojpeg.dylib", "turbojpeg.dll");

    static final int PF_RGB = 0;
    static final int PF_CMYK = 11;
    static final int CS_RGB = 0;
    static final int CS_YCBCR = 1;
    static final int CS_GRAY = 2;
    static final int CS_CMYK = 3;
    static final int CS_YCCK = 4;
    /** Stops progressive images after 500 scans: a few crafted bytes could otherwise cost seconds of CPU. */
    private static final int FLAG_LIMITSCANS = 32768;
    private static final int ERR_WARNING = 0;
    /**
     * Largest raster decoded straight into its Java array where the collector cannot pin one array's memory: there
     * such a call holds off garbage collection while it runs (a few milliseconds at this size), and larger images
     * decode into native memory and are copied. G1 (the default), ZGC and Shenandoah pin the array's region only
     * and collect the rest as usual, so every raster is decoded in place (a 12 MP photo's copy and the zeroing of
     * its native buffer cost about a quarter of its decode).
     */
    static final int DIRECT_DECODE_MAX_BYTES = pinsRegions() ? Integer.MAX_VALUE : 16 << 20;

    private static final Optional<TurboJpeg> INSTANCE = load();

    private final MethodHandle initDecompress;
    private final MethodHandle decompressHeader3;
    private final MethodHandle decompress2;
    private final MethodHandle decompress2Direct;
    private final MethodHandle destroy;
    private final MethodHandle errorString;
    private final MethodHandle errorCode;
    private final boolean longIsInt;
    final String library;

    private TurboJpeg(SymbolLookup lookup, String library) {
        Linker linker = Linker.nativeLinker();
        MemoryLayout cLong = linker.canonicalLayouts().get("long");
        this.longIsInt = cLong.byteSize() == 4;
        ValueLayout ptr = ValueLayout.ADDRESS;
        ValueLayout i32 = ValueLayout.JAVA_INT;
        initDecompress = linker.downcallHandle(find(lookup, "tjInitDecompress"), FunctionDescriptor.of(ptr));
        decompressHeader3 = linker.downcallHandle(find(lookup, "tjDecompressHeader3"),
                FunctionDescriptor.of(i32, ptr, ptr, cLong, ptr, ptr, ptr, ptr));
        MemorySegment decompress = find(lookup, "tjDecompress2");
        FunctionDescriptor decompressSignature = FunctionDescriptor.of(i32, ptr, ptr, cLong, ptr, i32, i32, i32, i32,
                i32);
        decompress2 = linker.downcallHandle(decompress, decompressSignature);
        // Passing the Java array itself saves zero-filling a native raster and copying it back (6% of the CPU of
        // the host pipeline in a profile).
        decompress2Direct = linker.downcallHandle(decompress, decompressSignature, Linker.Option.critical(true));
        destroy = linker.downcallHandle(find(lookup, "tjDestroy"), FunctionDescriptor.of(i32, ptr));
        errorString = linker.downcallHandle(find(lookup, "tjGetErrorStr2"), FunctionDescriptor.of(ptr, ptr));
        errorCode = linker.downcallHandle(find(lookup, "tjGetErrorCode"), FunctionDescriptor.of(i32, ptr));
        this.library = library;
    }

    private static boolean pinsRegions() {
        for (GarbageCollectorMXBean gc : ManagementFactory
                .getGarbageCollectorMXBeans()) {
            String name = gc.getName();
            if (!(name.startsWith("G1") || name.startsWith("ZGC") || name.startsWith("Shenandoah"))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The DCT scaling Pillow's {@code draft("RGB", (side, side))} picks for a {@code width x height} JPEG: the
     * largest of 8, 4 and 2 that leaves both sides at least {@code side}, else 1.
     */
    static int draftScale(int width, int height, int side) {
        if (side <= 0) {
            return 1;
        }
        int scale = Math.min(width / side, height / side);
        for (int s : new int[] { 8, 4, 2 }) {
            if (scale >= s) {
                return s;
            }
        }
        return 1;
    }

    /** A side of {@code size} pixels decoded at 1/{@code scale}, rounded up as libjpeg and Pillow do. */
    static int scaled(int size, int scale) {
        return (size + scale - 1) / scale;
    }

    /** The library, or empty (with one log line saying why) where libturbojpeg is not installed. */
    static Optional<TurboJpeg> instance() {
        return INSTANCE;
    }

    private static Optional<TurboJpeg> load() {
        StringBuilder tried = new StringBuilder();
        for (String name : LIBRARY_NAMES) {
            try {
                // The global arena keeps the library loaded for the life of the JVM.
                SymbolLookup lookup = SymbolLookup.libraryLookup(name, Arena.global());
                TurboJpeg turbo = new TurboJpeg(lookup, name);
                LOG.infof("JPEG decoding uses libjpeg-turbo through %s", name);
                return Optional.of(turbo);
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                tried.append(name).append(": ").append(e.getMessage()).append("; ");
            }
        }
        LOG.warnf("libturbojpeg not found (%s); JPEG decoding falls back to ImageIO, which is about 2.5x slower and "
                + "may differ from Pillow by a grey level on some pixels. Install libturbojpeg0 (Debian/Ubuntu) or "
                + "libjpeg-turbo (Alpine/RHEL) for Pillow-identical JPEG decoding.", tried);
        return Optional.empty();
    }

    private static MemorySegment find(SymbolLookup lookup, String symbol) {
        return lookup.find(symbol).orElseThrow(() -> new IllegalArgumentException("symbol " + symbol + " missing"));
    }

    /** What the JPEG header declares. */
    record Header(int width, int height, int colorspace) {
    }

    /** One decompressor; not thread-safe, closed after use. */
    Session open() {
        return new Session();
    }

    final class Session implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment handle;
        private MemorySegment jpeg;
        private long jpegSize;
        private boolean warned;

        Session() {
            try {
                handle = (MemorySegment) initDecompress.invokeExact();
            } catch (Throwable t) {
                arena.close();
                throw new IllegalStateException("tjInitDecompress failed", t);
            }
            if (handle.equals(MemorySegment.NULL)) {
                arena.close();
                throw new IllegalStateException("tjInitDecompress returned no handle");
            }
        }

        /** Reads the header; the compressed bytes stay in native memory for {@link #decode}. */
        Header header(byte[] bytes) {
            jpeg = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, jpeg, ValueLayout.JAVA_BYTE, 0, bytes.length);
            jpegSize = bytes.length;
            MemorySegment ints = arena.allocate(ValueLayout.JAVA_INT, 4);
            int rc;
            try {
                rc = longIsInt
                        ? (int) decompressHeader3.invokeExact(handle, jpeg, (int) jpegSize, ints,
                                ints.asSlice(4), ints.asSlice(8), ints.asSlice(12))
                        : (int) decompressHeader3.invokeExact(handle, jpeg, jpegSize, ints, ints.asSlice(4),
                                ints.asSlice(8), ints.asSlice(12));
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (rc != 0) {
                if (errorCode() != ERR_WARNING) {
                    throw new IntakeException(IntakeError.DECODE_FAILED, "JPEG header unreadable: " + error());
                }
                // The header was read despite the warning (e.g. stray bytes before a marker), as Pillow reads it.
                warned = true;
            }
            return new Header(ints.getAtIndex(ValueLayout.JAVA_INT, 0), ints.getAtIndex(ValueLayout.JAVA_INT, 1),
                    ints.getAtIndex(ValueLayout.JAVA_INT, 3));
        }

        /**
         * Decodes into {@code out} ({@code width * height * channels} bytes). Damage that libjpeg only warns about
         * is accepted as Pillow accepts it ({@link #warned()} tells); whether the data runs out is decided from the
         * file's structure before decoding ({@link JpegHeader}), since libjpeg reports only its first warning.
         */
        void decode(Header header, int pixelFormat, byte[] out) {
            decode(header, 1, pixelFormat, out);
        }

        /**
         * Decodes at 1/{@code scale} (1, 2, 4 or 8) through libjpeg's DCT scaling, as Pillow after
         * {@code draft()}, into {@code out} ({@link #scaled} width times height times channels bytes).
         */
        void decode(Header header, int scale, int pixelFormat, byte[] out) {
            decode(header, scale, pixelFormat, out, out.length <= DIRECT_DECODE_MAX_BYTES);
        }

        /** @param direct whether libjpeg-turbo writes into {@code out} itself, not into native memory copied after */
        void decode(Header header, int pixelFormat, byte[] out, boolean direct) {
            decode(header, 1, pixelFormat, out, direct);
        }

        private void decode(Header header, int scale, int pixelFormat, byte[] out, boolean direct) {
            // Asked for the scaled size, TurboJPEG picks the scaling factor that gives exactly that size.
            int width = scaled(header.width(), scale);
            int height = scaled(header.height(), scale);
            MemorySegment dst = direct ? MemorySegment.ofArray(out) : arena.allocate(out.length);
            MethodHandle call = direct ? decompress2Direct : decompress2;
            int rc;
            try {
                rc = longIsInt
                        ? (int) call.invokeExact(handle, jpeg, (int) jpegSize, dst, width, 0, height, pixelFormat,
                                FLAG_LIMITSCANS)
                        : (int) call.invokeExact(handle, jpeg, jpegSize, dst, width, 0, height, pixelFormat,
                                FLAG_LIMITSCANS);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (rc != 0) {
                if (errorCode() != ERR_WARNING) {
                    throw new IntakeException(IntakeError.DECODE_FAILED, "JPEG is damaged: " + error());
                }
                // A warning (extraneous bytes before a marker, a corrupt Huffman code, ...) leaves a complete image.
                LOG.debugf("libjpeg warning tolerated: %s", error());
                warned = true;
            }
            if (!direct) {
                MemorySegment.copy(dst, ValueLayout.JAVA_BYTE, 0, out, 0, out.length);
            }
        }

        /** Whether libjpeg warned while decoding (and the image was kept, as Pillow keeps it). */
        boolean warned() {
            return warned;
        }

        private String error() {
            try {
                MemorySegment s = (MemorySegment) errorString.invokeExact(handle);
                return s.equals(MemorySegment.NULL) ? "unknown error" : s.reinterpret(1024).getString(0);
            } catch (Throwable t) {
                return "unknown error";
            }
        }

        private int errorCode() {
            try {
                return (int) errorCode.invokeExact(handle);
            } catch (Throwable t) {
                return -1;
            }
        }

        @Override
        public void close() {
            try {
                int ignored = (int) destroy.invokeExact(handle);
            } catch (Throwable t) {
                // Nothing to do: the handle is gone either way.
            } finally {
                arena.close();
            }
        }
    }
}
