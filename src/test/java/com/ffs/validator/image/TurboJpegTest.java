package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** libjpeg-turbo writes small rasters straight into the Java array and large ones through native memory. */
class TurboJpegTest {

    private static final TurboJpeg TURBO = TurboJpeg.instance()
            .orElseThrow(() -> new AssertionError("libturbojpeg installed (Debian: libturbojpeg0)"));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"photo-420_320x200.jpg", "photo-progressive_320x200.jpg", "grey_320x200.jpg",
            "photo-odd_97x61.jpg"})
    void bothPathsDecodeTheSamePixels(String file) {
        byte[] jpeg = Goldens.bytes(file);
        byte[] direct = decode(jpeg, true);
        assertThat(direct).isNotEqualTo(new byte[direct.length]).isEqualTo(decode(jpeg, false));
    }

    @ParameterizedTest(name = "direct={0}")
    @ValueSource(booleans = {true, false})
    void bothPathsRefuseATruncatedFile(boolean direct) {
        byte[] jpeg = Goldens.bytes("photo-420_320x200.jpg");
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decode(truncated, direct)).isInstanceOf(IntakeException.class)
                .hasMessageContaining("damaged or truncated");
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
