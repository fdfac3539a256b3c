package com.ffs.validator.image;

import org.junit.jupiter.api.Tag;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes what reads untrusted bytes before any decoder runs: the format sniffer, every header parser and the EXIF
 * reader. Whatever the bytes, each answers or refuses with an {@link IntakeException}; nothing else escapes, and a
 * header never promises an image larger than the pixel cap allows without saying so.
 *
 * <p>
 * The normal build replays the committed corpus in {@code HeaderFuzzTestInputs/headers} (header samples of every
 * format and variant, plus the inputs earlier fuzzing runs kept for new coverage) in about a second;
 * {@code JAZZER_FUZZ=1 ./mvnw test -Dtest=HeaderFuzzTest} fuzzes for up to ten minutes and leaves new inputs in
 * {@code .cifuzz-corpus/}, to be copied into the committed corpus when they add coverage.
 */
@Tag("fuzz")
class HeaderFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void headers(byte[] bytes) {
        ImageFormat format = ImageFormat.sniff(bytes);
        ImageFormat.describeUnknown(bytes);
        if (!format.decodable()) {
            return;
        }
        try {
            ImageHeader header = ImageHeader.read(format, bytes);
            if (header.width() <= 0 || header.height() <= 0 || header.workingBytes() < 0 || header.input() == null) {
                throw new AssertionError("header of " + format + " accepted an impossible size");
            }
        } catch (IntakeException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
        }
        ExifOrientation.read(format, bytes);
    }

    /**
     * Fuzzes the decoders that port Pillow's (GIF, BMP, uncompressed TIFF) and the libtiff glue, called directly
     * (ImageDecoder would turn any exception into {@code DECODE_FAILED}): whatever the bytes, they decode or refuse
     * with an {@link IntakeException}. Images above a million pixels are left out to keep the fuzzer fast. The
     * committed corpus is in {@code HeaderFuzzTestInputs/pillowDecoders}.
     */
    @FuzzTest(maxDuration = "10m")
    void pillowDecoders(byte[] bytes) {
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format != ImageFormat.GIF && format != ImageFormat.BMP && format != ImageFormat.TIFF) {
            return;
        }
        try {
            ImageHeader header = ImageHeader.read(format, bytes);
            if (header.defect() != null || header.pixels() > 1_000_000 || header.workingBytes() > 256L << 20) {
                return;
            }
            ModeImage image = switch (format) {
                case GIF -> GifDecoder.decode(header.input());
                case BMP -> BmpDecoder.decode(header.input());
                default -> TiffDecoder.decode(header.input(), LibTiff.instance());
            };
            RgbImage rgb = image.toRgb(AlphaPolicy.WHITE, LittleCms.instance());
            if (rgb.width() != header.width() || rgb.height() != header.height()) {
                throw new AssertionError(format + " decoded to " + rgb.width() + "x" + rgb.height() + ", its header "
                        + "said " + header.width() + "x" + header.height());
            }
        } catch (IntakeException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError("a refusal without a reason", e);
            }
        }
    }
}
