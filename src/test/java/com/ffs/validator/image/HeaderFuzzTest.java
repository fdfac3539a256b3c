package com.ffs.validator.image;

import org.junit.jupiter.api.Tag;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes what reads untrusted bytes before any decoder runs: the format sniffer, every header parser and the EXIF
 * reader. Whatever the bytes, each answers or refuses with an {@link IntakeException}; nothing else escapes, and a
 * header never promises an image larger than the pixel cap allows without saying so.
 *
 * <p>The normal build replays the committed corpus in {@code HeaderFuzzTestInputs/headers} (header samples of every
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
}
