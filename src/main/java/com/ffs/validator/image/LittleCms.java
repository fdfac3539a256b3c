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

import org.jboss.logging.Logger;

/**
 * LittleCMS 2 (the library Pillow's {@code ImageCms} wraps) called through the FFM API, for the one conversion the
 * decoders need: Pillow's {@code convert("RGB")} of a {@code LAB} image, which builds a transform from
 * {@code cmsCreateLab2Profile(NULL)} to {@code cmsCreate_sRGBProfile()} with the perceptual intent and no flags, on
 * Pillow's 4-byte LAB and RGBA pixels. The same library, transform and formats give the same pixels.
 */
final class LittleCms {

    private static final Logger LOG = Logger.getLogger(LittleCms.class);
    private static final List<String> LIBRARY_NAMES = List.of("liblcms2.so.2", "liblcms2.so", "liblcms2.2.dylib",
            "lcms2.dll");
    /** Pillow's LAB format: COLORSPACE_SH(PT_LabV2) | CHANNELS_SH(3) | BYTES_SH(1) | EXTRA_SH(1). */
    private static final int TYPE_PILLOW_LAB = (30 << 16) | (3 << 3) | 1 | (1 << 7);
    /** TYPE_RGBA_8, Pillow's format for RGB and RGBA. */
    private static final int TYPE_RGBA_8 = (4 << 16) | (1 << 7) | (3 << 3) | 1;
    private static final int INTENT_PERCEPTUAL = 0;

    private static final Optional<LittleCms> INSTANCE = load();

    private final MethodHandle createLab2Profile;
    private final MethodHandle createSrgbProfile;
    private final MethodHandle createTransform;
    private final MethodHandle doTransform;
    private final MethodHandle deleteTransform;
    private final MethodHandle closeProfile;

    private LittleCms(SymbolLookup lookup) {
        Linker linker = Linker.nativeLinker();
        ValueLayout ptr = ValueLayout.ADDRESS;
        ValueLayout i32 = ValueLayout.JAVA_INT;
        createLab2Profile = linker.downcallHandle(find(lookup, "cmsCreateLab2Profile"), FunctionDescriptor.of(ptr,
                ptr));
        createSrgbProfile = linker.downcallHandle(find(lookup, "cmsCreate_sRGBProfile"), FunctionDescriptor.of(ptr));
        createTransform = linker.downcallHandle(find(lookup, "cmsCreateTransform"), FunctionDescriptor.of(ptr, ptr,
                i32, ptr, i32, i32, i32));
        doTransform = linker.downcallHandle(find(lookup, "cmsDoTransform"), FunctionDescriptor.ofVoid(ptr, ptr, ptr,
                i32));
        deleteTransform = linker.downcallHandle(find(lookup, "cmsDeleteTransform"), FunctionDescriptor.ofVoid(ptr));
        closeProfile = linker.downcallHandle(find(lookup, "cmsCloseProfile"), FunctionDescriptor.of(i32, ptr));
    }

    /** The library, or empty (with one log line) where liblcms2 is not installed. */
    static Optional<LittleCms> instance() {
        return INSTANCE;
    }

    private static Optional<LittleCms> load() {
        StringBuilder tried = new StringBuilder();
        for (String name : LIBRARY_NAMES) {
            try {
                LittleCms lcms = new LittleCms(SymbolLookup.libraryLookup(name, Arena.global()));
                LOG.infof("CIELab conversion uses LittleCMS through %s", name);
                return Optional.of(lcms);
            } catch (IllegalArgumentException | IllegalCallerException | UnsupportedOperationException e) {
                tried.append(name).append(": ").append(e.getMessage()).append("; ");
            }
        }
        LOG.warnf("liblcms2 not found (%s); CIELab TIFFs are refused. Install liblcms2-2 (Debian/Ubuntu) to convert "
                + "them as Pillow does.", tried);
        return Optional.empty();
    }

    private static MemorySegment find(SymbolLookup lookup, String symbol) {
        return lookup.find(symbol).orElseThrow(() -> new IllegalArgumentException("symbol " + symbol + " missing"));
    }

    /** A Lab-to-sRGB transform with native buffers for {@code span} pixels; not thread-safe, closed after use. */
    LabToSrgb labToSrgb(int span) {
        return new LabToSrgb(span);
    }

    final class LabToSrgb implements AutoCloseable {
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment lab;
        private final MemorySegment srgb;
        private final MemorySegment transform;
        private final MemorySegment in;
        private final MemorySegment out;

        LabToSrgb(int span) {
            try {
                lab = (MemorySegment) createLab2Profile.invokeExact(MemorySegment.NULL);
                srgb = (MemorySegment) createSrgbProfile.invokeExact();
                transform = lab.equals(MemorySegment.NULL) || srgb.equals(MemorySegment.NULL) ? MemorySegment.NULL
                        : (MemorySegment) createTransform.invokeExact(lab, TYPE_PILLOW_LAB, srgb, TYPE_RGBA_8,
                                INTENT_PERCEPTUAL, 0);
            } catch (Throwable t) {
                arena.close();
                throw new IllegalStateException("LittleCMS could not build the Lab to sRGB transform", t);
            }
            if (transform.equals(MemorySegment.NULL)) {
                closeProfiles();
                arena.close();
                throw new IllegalStateException("LittleCMS could not build the Lab to sRGB transform");
            }
            in = arena.allocate(4L * span);
            out = arena.allocate(4L * span);
        }

        /** Converts {@code count} 4-byte LAB pixels of {@code src} from {@code offset} into RGBA {@code dst}. */
        void apply(byte[] src, int offset, byte[] dst, int count) {
            MemorySegment.copy(src, offset, in, ValueLayout.JAVA_BYTE, 0, 4 * count);
            try {
                doTransform.invokeExact(transform, in, out, count);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            MemorySegment.copy(out, ValueLayout.JAVA_BYTE, 0, dst, 0, 4 * count);
        }

        private void closeProfiles() {
            try {
                if (!lab.equals(MemorySegment.NULL)) {
                    int ignored = (int) closeProfile.invokeExact(lab);
                }
                if (!srgb.equals(MemorySegment.NULL)) {
                    int ignored = (int) closeProfile.invokeExact(srgb);
                }
            } catch (Throwable t) {
                // The profiles are gone either way.
            }
        }

        @Override
        public void close() {
            try {
                deleteTransform.invokeExact(transform);
            } catch (Throwable t) {
                // The transform is gone either way.
            } finally {
                closeProfiles();
                arena.close();
            }
        }
    }
}
