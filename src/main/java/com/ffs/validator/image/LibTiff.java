package com.ffs.validator.image;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

/**
 * libtiff 4.5+ (the library Pillow reads compressed TIFFs with) called through the FFM API: a file in native memory
 * opened through client procedures that read it from there (libtiff maps it instead of copying strips), with
 * libtiff's own allocations capped per call ({@code TIFFOpenOptionsSetMaxSingleMemAlloc}), and the calls Pillow's
 * {@code TiffDecode.c} makes: strips and tiles decoded by libtiff's codecs, YCbCr through {@code TIFFRGBAImage}.
 * libtiff's messages are switched off, as Pillow switches its warnings off.
 */
final class LibTiff {

    private static final Logger LOG = Logger.getLogger(LibTiff.class);
    private static final List<String> LIBRARY_NAMES = List.of("libtiff.so.6", "libtiff.so", "libtiff.6.dylib",
            "libtiff.dylib", "tiff.dll");

    static final int TAG_IMAGEWIDTH = 256;
    static final int TAG_IMAGELENGTH = 257;
    static final int TAG_BITSPERSAMPLE = 258;
    static final int TAG_COMPRESSION = 259;
    static final int TAG_PHOTOMETRIC = 262;
    static final int TAG_ROWSPERSTRIP = 278;
    static final int TAG_PLANARCONFIG = 284;
    static final int TAG_TILEWIDTH = 322;
    static final int TAG_TILELENGTH = 323;
    static final int TAG_EXTRASAMPLES = 338;
    static final int TAG_JPEGCOLORMODE = 65538;
    static final int JPEGCOLORMODE_RGB = 1;
    static final int ORIENTATION_TOPLEFT = 1;

    /** Offsets in libtiff 4's {@code TIFFRGBAImage} on 64-bit targets, checked against the fields Begin fills. */
    private static final long RGBA_TIF = 0;
    private static final long RGBA_WIDTH = 20;
    private static final long RGBA_HEIGHT = 24;
    private static final long RGBA_REQ_ORIENTATION = 34;
    private static final long RGBA_ROW_OFFSET = 136;
    private static final long RGBA_COL_OFFSET = 140;
    private static final long RGBA_SIZE = 512;

    /** The state a client handle points at: the file's address, its size and the read position. */
    private static final long HANDLE_DATA = 0;
    private static final long HANDLE_SIZE = 8;
    private static final long HANDLE_POS = 16;

    private static final Optional<LibTiff> INSTANCE = load();

    private final MethodHandle optionsAlloc;
    private final MethodHandle optionsFree;
    private final MethodHandle optionsMaxSingleAlloc;
    private final MethodHandle clientOpen;
    private final MethodHandle close;
    private final MethodHandle getField;
    private final MethodHandle getFieldDefaulted;
    private final MethodHandle getFieldDefaulted2;
    private final MethodHandle setFieldInt;
    private final MethodHandle isTiled;
    private final MethodHandle stripSize;
    private final MethodHandle scanlineSize;
    private final MethodHandle tileSize;
    private final MethodHandle tileRowSize;
    private final MethodHandle computeStrip;
    private final MethodHandle readEncodedStrip;
    private final MethodHandle readTile;
    private final MethodHandle rgbaOk;
    private final MethodHandle rgbaBegin;
    private final MethodHandle rgbaGet;
    private final MethodHandle rgbaEnd;
    private final MemorySegment[] procs;

    private LibTiff(SymbolLookup lookup) throws ReflectiveOperationException {
        Linker linker = Linker.nativeLinker();
        ValueLayout ptr = ValueLayout.ADDRESS;
        ValueLayout i32 = ValueLayout.JAVA_INT;
        ValueLayout i64 = ValueLayout.JAVA_LONG;
        ValueLayout i16 = ValueLayout.JAVA_SHORT;
        optionsAlloc = linker.downcallHandle(find(lookup, "TIFFOpenOptionsAlloc"), FunctionDescriptor.of(ptr));
        optionsFree = linker.downcallHandle(find(lookup, "TIFFOpenOptionsFree"), FunctionDescriptor.ofVoid(ptr));
        optionsMaxSingleAlloc = linker.downcallHandle(find(lookup, "TIFFOpenOptionsSetMaxSingleMemAlloc"),
                FunctionDescriptor.ofVoid(ptr, i64));
        clientOpen = linker.downcallHandle(find(lookup, "TIFFClientOpenExt"), FunctionDescriptor.of(ptr, ptr, ptr,
                ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr, ptr));
        close = linker.downcallHandle(find(lookup, "TIFFClose"), FunctionDescriptor.ofVoid(ptr));
        getField = linker.downcallHandle(find(lookup, "TIFFGetField"), FunctionDescriptor.of(i32, ptr, i32, ptr),
                Linker.Option.firstVariadicArg(2));
        getFieldDefaulted = linker.downcallHandle(find(lookup, "TIFFGetFieldDefaulted"), FunctionDescriptor.of(i32,
                ptr, i32, ptr), Linker.Option.firstVariadicArg(2));
        getFieldDefaulted2 = linker.downcallHandle(find(lookup, "TIFFGetFieldDefaulted"), FunctionDescriptor.of(i32,
                ptr, i32, ptr, ptr), Linker.Option.firstVariadicArg(2));
        setFieldInt = linker.downcallHandle(find(lookup, "TIFFSetField"), FunctionDescriptor.of(i32, ptr, i32, i32),
                Linker.Option.firstVariadicArg(2));
        isTiled = linker.downcallHandle(find(lookup, "TIFFIsTiled"), FunctionDescriptor.of(i32, ptr));
        stripSize = linker.downcallHandle(find(lookup, "TIFFStripSize"), FunctionDescriptor.of(i64, ptr));
        scanlineSize = linker.downcallHandle(find(lookup, "TIFFScanlineSize"), FunctionDescriptor.of(i64, ptr));
        tileSize = linker.downcallHandle(find(lookup, "TIFFTileSize"), FunctionDescriptor.of(i64, ptr));
        tileRowSize = linker.downcallHandle(find(lookup, "TIFFTileRowSize"), FunctionDescriptor.of(i64, ptr));
        computeStrip = linker.downcallHandle(find(lookup, "TIFFComputeStrip"), FunctionDescriptor.of(i32, ptr, i32,
                i16));
        readEncodedStrip = linker.downcallHandle(find(lookup, "TIFFReadEncodedStrip"), FunctionDescriptor.of(i64, ptr,
                i32, ptr, i64));
        readTile = linker.downcallHandle(find(lookup, "TIFFReadTile"), FunctionDescriptor.of(i64, ptr, ptr, i32, i32,
                i32, i16));
        rgbaOk = linker.downcallHandle(find(lookup, "TIFFRGBAImageOK"), FunctionDescriptor.of(i32, ptr, ptr));
        rgbaBegin = linker.downcallHandle(find(lookup, "TIFFRGBAImageBegin"), FunctionDescriptor.of(i32, ptr, ptr, i32,
                ptr));
        rgbaGet = linker.downcallHandle(find(lookup, "TIFFRGBAImageGet"), FunctionDescriptor.of(i32, ptr, ptr, i32,
                i32));
        rgbaEnd = linker.downcallHandle(find(lookup, "TIFFRGBAImageEnd"), FunctionDescriptor.ofVoid(ptr));
        // Messages off, as Pillow switches off warnings (its errors only reach stderr).
        MethodHandle setError = linker.downcallHandle(find(lookup, "TIFFSetErrorHandler"), FunctionDescriptor.of(ptr,
                ptr));
        MethodHandle setWarning = linker.downcallHandle(find(lookup, "TIFFSetWarningHandler"),
                FunctionDescriptor.of(ptr, ptr));
        try {
            MemorySegment ignored = (MemorySegment) setError.invokeExact(MemorySegment.NULL);
            ignored = (MemorySegment) setWarning.invokeExact(MemorySegment.NULL);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        MethodHandles.Lookup self = MethodHandles.lookup();
        procs = new MemorySegment[] {
                linker.upcallStub(self.findStatic(LibTiff.class, "readProc", MethodType.methodType(long.class,
                        MemorySegment.class, MemorySegment.class, long.class)), FunctionDescriptor.of(i64, ptr, ptr, i64),
                        Arena.global()),
                linker.upcallStub(self.findStatic(LibTiff.class, "writeProc", MethodType.methodType(long.class,
                        MemorySegment.class, MemorySegment.class, long.class)), FunctionDescriptor.of(i64, ptr, ptr, i64),
                        Arena.global()),
                linker.upcallStub(self.findStatic(LibTiff.class, "seekProc", MethodType.methodType(long.class,
                        MemorySegment.class, long.class, int.class)), FunctionDescriptor.of(i64, ptr, i64, i32),
                        Arena.global()),
                linker.upcallStub(self.findStatic(LibTiff.class, "closeProc", MethodType.methodType(int.class,
                        MemorySegment.class)), FunctionDescriptor.of(i32, ptr), Arena.global()),
                linker.upcallStub(self.findStatic(LibTiff.class, "sizeProc", MethodType.methodType(long.class,
                        MemorySegment.class)), FunctionDescriptor.of(i64, ptr), Arena.global()),
                linker.upcallStub(self.findStatic(LibTiff.class, "mapProc", MethodType.methodType(int.class,
                        MemorySegment.class, MemorySegment.class, MemorySegment.class)), FunctionDescriptor.of(i32, ptr,
                                ptr, ptr),
                        Arena.global()),
                linker.upcallStub(self.findStatic(LibTiff.class, "unmapProc", MethodType.methodType(void.class,
                        MemorySegment.class, MemorySegment.class, long.class)), FunctionDescriptor.ofVoid(ptr, ptr, i64),
                        Arena.global()) };
    }

    /** The library, or empty (with one log line) where libtiff 4.5+ is not installed. */
    static Optional<LibTiff> instance() {
        return INSTANCE;
    }

    private static Optional<LibTiff> load() {
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            return Optional.empty();
        }
        StringBuilder tried = new StringBuilder();
        for (String name : LIBRARY_NAMES) {
            try {
                LibTiff lib = new LibTiff(SymbolLookup.libraryLookup(name, Arena.global()));
                LOG.infof("TIFF decoding uses libtiff through %s", name);
                return Optional.of(lib);
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException
                    | ReflectiveOperationException e) {
                tried.append(name).append(": ").append(e.getMessage()).append("; ");
            }
        }
        LOG.warnf("libtiff 4.5+ not found (%s); compressed TIFFs fall back to ImageIO, which reads fewer of them and "
                + "converts some modes differently from Pillow. Install libtiff6 (Debian/Ubuntu) for Pillow-identical "
                + "TIFF decoding.", tried);
        return Optional.empty();
    }

    private static MemorySegment find(SymbolLookup lookup, String symbol) {
        return lookup.find(symbol).orElseThrow(() -> new IllegalArgumentException("symbol " + symbol + " missing"));
    }

    // ---------------------------------------------------------------------------------------------------------
    // Client procedures: the file lies in native memory; the handle holds its address, size and read position.

    private static MemorySegment state(MemorySegment handle) {
        return handle.reinterpret(24);
    }

    private static long readProc(MemorySegment handle, MemorySegment buffer, long size) {
        MemorySegment s = state(handle);
        long pos = s.get(ValueLayout.JAVA_LONG, HANDLE_POS);
        long end = s.get(ValueLayout.JAVA_LONG, HANDLE_SIZE);
        if (pos > end || size <= 0) {
            return 0;
        }
        long n = Math.min(size, end - pos);
        MemorySegment data = s.get(ValueLayout.ADDRESS, HANDLE_DATA).reinterpret(end);
        MemorySegment.copy(data, pos, buffer.reinterpret(n), 0, n);
        s.set(ValueLayout.JAVA_LONG, HANDLE_POS, pos + n);
        return n;
    }

    private static long writeProc(MemorySegment handle, MemorySegment buffer, long size) {
        return 0;
    }

    private static long seekProc(MemorySegment handle, long offset, int whence) {
        MemorySegment s = state(handle);
        long pos = switch (whence) {
            case 1 -> s.get(ValueLayout.JAVA_LONG, HANDLE_POS) + offset;
            case 2 -> s.get(ValueLayout.JAVA_LONG, HANDLE_SIZE) + offset;
            default -> offset;
        };
        s.set(ValueLayout.JAVA_LONG, HANDLE_POS, pos);
        return pos;
    }

    private static int closeProc(MemorySegment handle) {
        return 0;
    }

    private static long sizeProc(MemorySegment handle) {
        return state(handle).get(ValueLayout.JAVA_LONG, HANDLE_SIZE);
    }

    private static int mapProc(MemorySegment handle, MemorySegment base, MemorySegment size) {
        MemorySegment s = state(handle);
        base.reinterpret(8).set(ValueLayout.ADDRESS, 0, s.get(ValueLayout.ADDRESS, HANDLE_DATA));
        size.reinterpret(8).set(ValueLayout.JAVA_LONG, 0, s.get(ValueLayout.JAVA_LONG, HANDLE_SIZE));
        return 1;
    }

    private static void unmapProc(MemorySegment handle, MemorySegment base, long size) {
        // The file stays in its arena until the session closes.
    }

    // ---------------------------------------------------------------------------------------------------------

    /**
     * Opens {@code bytes} (a copy in native memory) with libtiff allocating at most {@code maxSingleAlloc} bytes in
     * any one call.
     *
     * @throws IntakeException {@code DECODE_FAILED} when libtiff cannot read the directory
     */
    Session open(byte[] bytes, long maxSingleAlloc) {
        return new Session(bytes, maxSingleAlloc);
    }

    /** One open file; not thread-safe, closed after use. */
    final class Session implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment tif;
        private final MemorySegment scratch;

        Session(byte[] bytes, long maxSingleAlloc) {
            MemorySegment tiff;
            try {
                MemorySegment data = arena.allocate(Math.max(1, bytes.length));
                MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
                MemorySegment handle = arena.allocate(24);
                handle.set(ValueLayout.ADDRESS, HANDLE_DATA, data);
                handle.set(ValueLayout.JAVA_LONG, HANDLE_SIZE, bytes.length);
                handle.set(ValueLayout.JAVA_LONG, HANDLE_POS, 0);
                MemorySegment options = (MemorySegment) optionsAlloc.invokeExact();
                try {
                    optionsMaxSingleAlloc.invokeExact(options, maxSingleAlloc);
                    // "rC" as Pillow opens: read, with strip chopping.
                    tiff = (MemorySegment) clientOpen.invokeExact(arena.allocateFrom("image.tif"),
                            arena.allocateFrom("rC"), handle, procs[0], procs[1], procs[2], procs[3], procs[4],
                            procs[5], procs[6], options);
                } finally {
                    optionsFree.invokeExact(options);
                }
            } catch (Throwable t) {
                arena.close();
                throw new IllegalStateException("libtiff could not be called", t);
            }
            if (tiff.equals(MemorySegment.NULL)) {
                arena.close();
                throw new IntakeException(IntakeError.DECODE_FAILED, "TIFF is damaged: libtiff cannot read its "
                        + "directory");
            }
            this.tif = tiff;
            this.scratch = arena.allocate(16);
        }

        /** {@code TIFFGetField} of a 32-bit tag, or -1 when the tag is absent. */
        long uint32(int tag) {
            return field(tag, false, 4);
        }

        /** {@code TIFFGetField} (or the defaulted variant) of a 16-bit tag, or -1 when it is absent. */
        int uint16(int tag, boolean defaulted) {
            return (int) field(tag, defaulted, 2);
        }

        private long field(int tag, boolean defaulted, int width) {
            scratch.fill((byte) 0);
            int ok;
            try {
                ok = defaulted ? (int) getFieldDefaulted.invokeExact(tif, tag, scratch)
                        : (int) getField.invokeExact(tif, tag, scratch);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            if (ok != 1) {
                return -1;
            }
            return width == 2 ? scratch.get(ValueLayout.JAVA_SHORT, 0) & 0xFFFF
                    : scratch.get(ValueLayout.JAVA_INT, 0) & 0xFFFFFFFFL;
        }

        /** The first value of ExtraSamples as libtiff reports it (defaulted), or -1 when there are none. */
        int firstExtraSample() {
            MemorySegment count = arena.allocate(8);
            MemorySegment values = arena.allocate(ValueLayout.ADDRESS);
            try {
                int ok = (int) getFieldDefaulted2.invokeExact(tif, TAG_EXTRASAMPLES, count, values);
                int n = count.get(ValueLayout.JAVA_SHORT, 0) & 0xFFFF;
                MemorySegment array = values.get(ValueLayout.ADDRESS, 0);
                if (ok != 1 || n == 0 || array.equals(MemorySegment.NULL)) {
                    return -1;
                }
                return array.reinterpret(2).get(ValueLayout.JAVA_SHORT, 0) & 0xFFFF;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        void setInt(int tag, int value) {
            try {
                int ignored = (int) setFieldInt.invokeExact(tif, tag, value);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        boolean tiled() {
            return call(isTiled) != 0;
        }

        long stripSize() {
            return call(stripSize);
        }

        long scanlineSize() {
            return call(scanlineSize);
        }

        long tileSize() {
            return call(tileSize);
        }

        long tileRowSize() {
            return call(tileRowSize);
        }

        private long call(MethodHandle sizeOf) {
            try {
                return sizeOf.type().returnType() == int.class ? (int) sizeOf.invokeExact(tif)
                        : (long) sizeOf.invokeExact(tif);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** Native memory for decoded strips or tiles, freed with the session. */
        MemorySegment buffer(long bytes) {
            return arena.allocate(Math.max(1, bytes));
        }

        /** {@code TIFFReadEncodedStrip} of the strip holding {@code row} of {@code plane}; false on failure. */
        boolean readStrip(int row, int plane, MemorySegment into, long size) {
            try {
                int strip = (int) computeStrip.invokeExact(tif, row, (short) plane);
                return (long) readEncodedStrip.invokeExact(tif, strip, into, size) != -1;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /** {@code TIFFReadTile} of the tile holding ({@code x}, {@code y}) of {@code plane}; false on failure. */
        boolean readTile(int x, int y, int plane, MemorySegment into) {
            try {
                return (long) readTile.invokeExact(tif, into, x, y, 0, (short) plane) != -1;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }

        /**
         * {@code TIFFRGBAImageOK} and {@code TIFFRGBAImageBegin} for an image of {@code width x height}, then the
         * top-left orientation Pillow requests; empty when libtiff refuses.
         */
        Optional<Rgba> rgba(int width, int height) {
            MemorySegment message = arena.allocate(1024);
            MemorySegment img = arena.allocate(RGBA_SIZE);
            try {
                if ((int) rgbaOk.invokeExact(tif, message) != 1 || (int) rgbaBegin.invokeExact(img, tif, 0,
                        message) != 1) {
                    LOG.debugf("TIFFRGBAImage refused: %s", message.getString(0, StandardCharsets.US_ASCII));
                    return Optional.empty();
                }
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            Rgba rgba = new Rgba(img);
            if (!img.get(ValueLayout.ADDRESS, RGBA_TIF).equals(tif)
                    || img.get(ValueLayout.JAVA_INT, RGBA_WIDTH) != width
                    || img.get(ValueLayout.JAVA_INT, RGBA_HEIGHT) != height) {
                rgba.close();
                throw new IllegalStateException("libtiff's TIFFRGBAImage has an unexpected layout");
            }
            img.set(ValueLayout.JAVA_SHORT, RGBA_REQ_ORIENTATION, (short) ORIENTATION_TOPLEFT);
            img.set(ValueLayout.JAVA_INT, RGBA_COL_OFFSET, 0);
            return Optional.of(rgba);
        }

        /** A {@code TIFFRGBAImage} in progress. */
        final class Rgba implements AutoCloseable {
            private final MemorySegment img;

            private Rgba(MemorySegment img) {
                this.img = img;
            }

            /** {@code TIFFRGBAImageGet} of {@code rows} rows from {@code row} into {@code raster}; false on failure. */
            boolean get(int row, MemorySegment raster, int width, int rows) {
                img.set(ValueLayout.JAVA_INT, RGBA_ROW_OFFSET, row);
                try {
                    return (int) rgbaGet.invokeExact(img, raster, width, rows) != 0;
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
            }

            @Override
            public void close() {
                try {
                    rgbaEnd.invokeExact(img);
                } catch (Throwable t) {
                    // Nothing to free beyond what the session's arena holds.
                }
            }
        }

        @Override
        public void close() {
            try {
                close.invokeExact(tif);
            } catch (Throwable t) {
                // The handle is gone either way.
            } finally {
                arena.close();
            }
        }
    }
}
