package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** libjpeg-turbo writes small rasters straight into the Java array and large ones through native memory. */
class TurboJpegTest {

    private static final TurboJpeg TURBO = TurboJpeg.instance()
            .orElseThrow(() -> new AssertionError("libturbojpeg installed (Debian: libturbojpeg0)"));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "photo-420_320x200.jpg", "photo-progressive_320x200.jpg", "grey_320x200.jpg",
            "photo-odd_97x61.jpg" })
    void bothPathsDecodeTheSamePixels(String file) {
        byte[] jpeg = Goldens.bytes(file);
        byte[] direct = decode(jpeg, true);
        assertThat(direct).isNotEqualTo(new byte[direct.length]).isEqualTo(decode(jpeg, false));
    }

    /**
     * libjpeg only warns when the data runs out (and reports only its first warning), so the session keeps the image
     * and says it warned; whether the data runs out is decided from the file's structure ({@link JpegHeader}).
     */
    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = { true, false })
    void bothPathsReportAWarningForATruncatedFile(boolean direct) {
        byte[] jpeg = Goldens.bytes("photo-420_320x200.jpg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        try (TurboJpeg.Session session = TURBO.open()) {
            TurboJpeg.Header header = session.header(truncated);
            session.decode(header, TurboJpeg.PF_RGB, new byte[header.width() * header.height() * 3], direct);
            assertThat(session.warned()).isTrue();
        }
        assertThat(JpegHeader.read(truncated).defect()).isNotNull();
    }

    @Test
    void shouldRefuseWhatLibjpegCannotDecode() {
        byte[] jpeg = Goldens.bytes("photo-420_320x200.jpg").clone();
        // The scan asks for Huffman tables 3, which the file does not define: an error, not a warning.
        int sos = 2;
        while ((jpeg[sos + 1] & 0xFF) != 0xDA) {
            sos += 2 + ((jpeg[sos + 2] & 0xFF) << 8 | (jpeg[sos + 3] & 0xFF));
        }
        jpeg[sos + 6] = 0x33;
        assertThatThrownBy(() -> decode(jpeg, true)).isInstanceOf(IntakeException.class)
                .hasMessageContaining("damaged");
    }

    private static byte[] decode(byte[] jpeg, boolean direct) {
        try (TurboJpeg.Session session = TURBO.open()) {
            TurboJpeg.Header header = session.header(jpeg);
            byte[] out = new byte[header.width() * header.height() * 3];
            session.decode(header, TurboJpeg.PF_RGB, out, direct);
            return out;
        }
    }
}
