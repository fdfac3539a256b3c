package com.ffs.validator.image;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.jboss.logging.Logger;

/**
 * libwebp (the library Pillow decodes WebP with) called through the FFM API. Like Pillow 9.4, every file goes
 * through the animation decoder, which yields the first frame on its canvas as non-premultiplied RGBA; lossy
 * pixels therefore match Pillow's, which a Java VP8 decoder does not.
 */
final class LibWebp {

    private static final Logger LOG = Logger.getLogger(LibWebp.class);
    private static final List<String[]> LIBRARY_NAMES = List.of(
            new String[] { "libwebp.so.7", "libwebpdemux.so.2" },
            new String[] { "libwebp.so", "libwebpdemux.so" },
            new String[] { "libwebp.7.dylib", "libwebpdemux.2.dylib" });
    /** WEBP_DEMUX_ABI_VERSION of libwebp 1.x; only the major byte is compared. */
    private static final int DEMUX_ABI = 0x0107;
    private static final int MODE_RGBA = 1;

    private static final Optional<LibWebp> INSTANCE = load();

    private final MethodHandle getInfo;
    private final MethodHandle optionsInit;
    private final MethodHandle decoderNew;
    private final MethodHandle decoderGetInfo;
    private final MethodHandle decoderGetNext;
    private final MethodHandle decoderDelete;

    private LibWebp(SymbolLookup webp, SymbolLookup demux) {
        Linker linker = Linker.nativeLinker();
        ValueLayout ptr = ValueLayout.ADDRESS;
        ValueLayout i32 = ValueLayout.JAVA_INT;
        ValueLayout sizeT = ValueLayout.JAVA_LONG;
        getInfo = linker.downcallHandle(find(webp, "WebPGetInfo"), FunctionDescriptor.of(i32, ptr, sizeT, ptr, ptr));
        optionsInit = linker.downcallHandle(find(demux, "WebPAnimDecoderOptionsInitInternal"),
                FunctionDescriptor.of(i32, ptr, i32));
        decoderNew = linker.downcallHandle(find(demux, "WebPAnimDecoderNewInternal"),
                FunctionDescriptor.of(ptr, ptr, ptr, i32));
        decoderGetInfo = linker.downcallHandle(find(demux, "WebPAnimDecoderGetInfo"),
                FunctionDescriptor.of(i32, ptr, ptr));
        decoderGetNext = linker.downcallHandle(find(demux, "WebPAnimDecoderGetNext"),
                FunctionDescriptor.of(i32, ptr, ptr, ptr));
        decoderDelete = linker.downcallHandle(find(demux, "WebPAnimDecoderDelete"), FunctionDescriptor.ofVoid(ptr));
    }

    /** The library, or empty (with one log line) where libwebp is not installed. */
    static Optional<LibWebp> instance() {
        return INSTANCE;
    }

    private static Optional<LibWebp> load() {
        if (ValueLayout.ADDRESS.byteSize() != 8) {
            return Optional.empty();
        }
        StringBuilder tried = new StringBuilder();
        for (String[] names : LIBRARY_NAMES) {
            try {
                SymbolLookup webp = SymbolLookup.libraryLookup(names[0], Arena.global());
                SymbolLookup demux = SymbolLookup.libraryLookup(names[1], Arena.global());
                LibWebp lib = new LibWebp(webp, demux);
                LOG.infof("WebP decoding uses libwebp through %s and %s", names[0], names[1]);
                return Optional.of(lib);
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                tried.append(String.join("+", names)).append(": ").append(e.getMessage()).append("; ");
            }
        }
        LOG.warnf("libwebp not found (%s); WebP decoding falls back to TwelveMonkeys, whose lossy pixels differ from "
                + "Pillow's. Install libwebp7 and libwebpdemux2 (Debian/Ubuntu) for Pillow-identical WebP.", tried);
        return Optional.empty();
    }

    private static MemorySegment find(SymbolLookup lookup, String symbol) {
        return lookup.find(symbol).orElseThrow(() -> new IllegalArgumentException("symbol " + symbol + " missing"));
    }

    /** The canvas size the file declares, read without decoding. */
    int[] size(Arena arena, MemorySegment data) {
        MemorySegment wh = arena.allocate(ValueLayout.JAVA_INT, 2);
        int ok;
        try {
            ok = (int) getInfo.invokeExact(data, data.byteSize(), wh, wh.asSlice(4));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (ok == 0) {
            throw new IntakeException(IntakeError.DECODE_FAILED, "WebP header unreadable or damaged");
        }
        return new int[] { wh.getAtIndex(ValueLayout.JAVA_INT, 0), wh.getAtIndex(ValueLayout.JAVA_INT, 1) };
    }

    /** Copies {@code bytes} into native memory owned by {@code arena}. */
    static MemorySegment copy(Arena arena, byte[] bytes) {
        MemorySegment data = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return data;
    }

    /**
     * Decodes the first frame, composited on the canvas, and hands its RGBA pixels ({@code width * height * 4} bytes,
     * native memory valid only during the call) to {@code reader}.
     */
    void firstFrameRgba(Arena arena, MemorySegment data, int width, int height,
            Consumer<MemorySegment> reader) {
        MemorySegment options = arena.allocate(64);
        MemorySegment webpData = arena.allocate(16);
        webpData.set(ValueLayout.ADDRESS, 0, data);
        webpData.set(ValueLayout.JAVA_LONG, 8, data.byteSize());
        MemorySegment decoder;
        try {
            if ((int) optionsInit.invokeExact(options, DEMUX_ABI) == 0) {
                throw new IllegalStateException("libwebp demux ABI mismatch");
            }
            options.set(ValueLayout.JAVA_INT, 0, MODE_RGBA);
            options.set(ValueLayout.JAVA_INT, 4, 0);
            decoder = (MemorySegment) decoderNew.invokeExact(webpData, options, DEMUX_ABI);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (decoder.equals(MemorySegment.NULL)) {
            throw new IntakeException(IntakeError.DECODE_FAILED, "WebP is damaged or truncated");
        }
        try {
            MemorySegment info = arena.allocate(64);
            if ((int) decoderGetInfo.invokeExact(decoder, info) == 0) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "WebP is damaged");
            }
            int canvasW = info.get(ValueLayout.JAVA_INT, 0);
            int canvasH = info.get(ValueLayout.JAVA_INT, 4);
            if (canvasW != width || canvasH != height) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "WebP canvas " + canvasW + "x" + canvasH
                        + " differs from its header's " + width + "x" + height);
            }
            MemorySegment bufPtr = arena.allocate(ValueLayout.ADDRESS);
            MemorySegment timestamp = arena.allocate(ValueLayout.JAVA_INT);
            if ((int) decoderGetNext.invokeExact(decoder, bufPtr, timestamp) == 0) {
                throw new IntakeException(IntakeError.DECODE_FAILED, "WebP is damaged or truncated");
            }
            long bytes = (long) width * height * 4;
            reader.accept(bufPtr.get(ValueLayout.ADDRESS, 0).reinterpret(bytes));
        } catch (IntakeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            try {
                decoderDelete.invokeExact(decoder);
            } catch (Throwable ignored) {
                // The decoder is gone either way.
            }
        }
    }
}
