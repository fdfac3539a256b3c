package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import com.ffs.validator.testing.PastedCodes;
import com.ffs.validator.testing.ProductPhotos;
import com.google.zxing.common.BitMatrix;

/** The code scan: what it finds, what it leaves out, and how it stays bounded. */
class CodeScannerTest {

    private static final ImageDecoder DECODER = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE);
    /** Time never runs out on this clock: only the scan's own bounds can stop it. */
    private static final CodeScanner UNHURRIED = new CodeScanner(Duration.ofNanos(1), () -> 0);

    @Test
    void shouldWarmUpOnACodeOfItsOwnThatItReads() {
        // At start-up, so that the first callers' scans do not spend their time limit loading and compiling the reader.
        CodeScan warm = new CodeScanner(Duration.ofSeconds(30)).warmUp();
        assertThat(warm.complete()).isTrue();
        assertThat(warm.codes()).singleElement().satisfies(c -> assertThat(c.text()).isEqualTo(CodeScanner.WARM_UP_TEXT));
    }

    @Test
    void aQrCodeShouldBeFoundWithItsText() {
        BufferedImage photo = PastedCodes.paste(ProductPhotos.shirt(1600, 1200, 1), PastedCodes.qr(
                "https://example.com/shop"), 2, 0.2, 17, 0.75, 0.3);
        CodeScan scan = UNHURRIED.scan(decoded(photo));
        assertThat(scan.codes()).containsExactly(new ScannedCode(CodeFormat.QR_CODE, "https://example.com/shop"));
        assertThat(scan.complete()).isTrue();
    }

    @Test
    void severalQrCodesShouldEachBeFoundOnce() {
        BufferedImage photo = ProductPhotos.shirt(2000, 1500, 2);
        photo = PastedCodes.paste(photo, PastedCodes.qr("tel:+4930123456"), 2, 0.15, 0, 0.15, 0.2);
        photo = PastedCodes.paste(photo, PastedCodes.qr("https://wa.me/4930123456"), 2, 0.15, 25, 0.85, 0.75);
        photo = PastedCodes.paste(photo, PastedCodes.qr("@acme.outlet"), 2, 0.12, -10, 0.2, 0.8);
        CodeScan scan = UNHURRIED.scan(decoded(photo));
        assertThat(scan.codes()).extracting(ScannedCode::text)
                .containsExactlyInAnyOrder("tel:+4930123456", "https://wa.me/4930123456", "@acme.outlet");
    }

    @Test
    void aSmallQrCodeShouldBeReadAtThePhotosOwnResolution() {
        // 29 modules in 5 % of 2,000 px: under 2 px a module in the 1,024-px copy, about 3.4 in the photo.
        BufferedImage photo = PastedCodes.paste(ProductPhotos.shirt(2000, 1500, 3), PastedCodes.qr(
                "mailto:sales@example.com"), 2, 0.05, 12, 0.4, 0.6);
        assertThat(UNHURRIED.scan(decoded(photo)).codes()).extracting(ScannedCode::text)
                .containsExactly("mailto:sales@example.com");
    }

    @Test
    void dataMatrixAndAztecCodesShouldBeFoundWhereTheyAreTheMainContent() {
        for (var code : new Object[][] { { PastedCodes.dataMatrix("https://example.com/dm"), CodeFormat.DATA_MATRIX,
                "https://example.com/dm" },
                { PastedCodes.aztec("tel:+4930999888"), CodeFormat.AZTEC,
                        "tel:+4930999888" } }) {
            BufferedImage label = PastedCodes.paste(white(1200, 900), (BitMatrix) code[0], 2,
                    0.4, 0, 0.5, 0.5);
            assertThat(UNHURRIED.scan(decoded(label)).codes()).as("%s", code[1])
                    .containsExactly(new ScannedCode((CodeFormat) code[1], (String) code[2]));
            // In a corner, the windows put it in the middle of one of them.
            BufferedImage corner = PastedCodes.paste(white(1200, 900), (BitMatrix) code[0],
                    2, 0.2, 0, 0.2, 0.25);
            assertThat(UNHURRIED.scan(decoded(corner)).codes()).as("%s in a corner", code[1])
                    .containsExactly(new ScannedCode((CodeFormat) code[1], (String) code[2]));
        }
    }

    @Test
    void linearBarcodesAndTexturesShouldGiveNoCode() {
        BufferedImage tag = PastedCodes.paste(ProductPhotos.shirt(1600, 1200, 4), PastedCodes.ean13("400638133393",
                60), 8, 0.3, 0, 0.5, 0.5);
        assertThat(UNHURRIED.scan(decoded(tag)).codes()).isEmpty();
        for (BufferedImage texture : new BufferedImage[] { checkerboard(1200, 900, 6), stripes(1200, 900, 3),
                noise(1200, 900), ProductPhotos.shirt(1200, 1600, 5), white(800, 600) }) {
            CodeScan scan = UNHURRIED.scan(decoded(texture));
            assertThat(scan.codes()).isEmpty();
        }
    }

    @Test
    void theScanShouldStopWhenItsTimeRunsOut() {
        BufferedImage photo = PastedCodes.paste(ProductPhotos.shirt(1600, 1200, 6), PastedCodes.qr(
                "https://example.com/late"), 2, 0.2, 0, 0.5, 0.5);
        RgbImage image = decoded(photo);
        // Each look at the clock moves it on by a millisecond: a 1 ms limit is over at the first check.
        AtomicLong now = new AtomicLong();
        CodeScan hurried = new CodeScanner(Duration.ofMillis(1), () -> now.getAndAdd(1_000_000)).scan(image);
        assertThat(hurried.complete()).isFalse();
        assertThat(hurried.codes()).isEmpty();
        // A clock that stands still for its first 20 readings, then jumps a second on: the code is found in the
        // first reads, the scan ends at the first reading past the limit and reads the clock no more.
        AtomicLong readings = new AtomicLong();
        CodeScan partial = new CodeScanner(Duration.ofMillis(100),
                () -> readings.incrementAndGet() <= 20 ? 0 : 1_000_000_000L).scan(image);
        assertThat(partial.codes()).extracting(ScannedCode::text).containsExactly("https://example.com/late");
        assertThat(partial.complete()).isFalse();
        assertThat(readings.get()).isEqualTo(21);
    }

    @Test
    void aGridOfFinderLookAlikesShouldEndTheQrSearchInsteadOfItsCubicTriangleSearch() {
        // 225 finder patterns: far beyond the candidates any photo shows.
        BufferedImage grid = finderGrid(15, 2);
        CodeScan scan = UNHURRIED.scan(ProductPhotos.rgb(grid));
        assertThat(scan.complete()).isFalse();
        assertThat(scan.codes()).isEmpty();
        // A real code beside a few look-alikes is still read.
        BufferedImage few = PastedCodes.paste(finderGrid(3, 3), PastedCodes.qr("https://example.com/ok"), 4, 0.35,
                0, 0.7, 0.5);
        CodeScan fine = UNHURRIED.scan(ProductPhotos.rgb(few));
        assertThat(fine.codes()).extracting(ScannedCode::text).containsExactly("https://example.com/ok");
        assertThat(fine.complete()).isTrue();
    }

    @Test
    void workingMemoryShouldBeBoundedWhateverTheImageSize() {
        long copy = CodeScanner.workingBytes(1024, 1024);
        assertThat(CodeScanner.workingBytes(20_000, 4_000)).isLessThanOrEqualTo(copy);
        assertThat(CodeScanner.workingBytes(1_785_714, 1)).isLessThanOrEqualTo(copy);
        assertThat(copy).isLessThan(16L << 20);
        assertThatThrownBy(() -> new CodeScanner(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    /** The image as the pipeline sees it: JPEG quality 50, decoded by the service's decoder. */
    static RgbImage decoded(BufferedImage image) {
        return DECODER.decode(ProductPhotos.jpeg(image, 0.5f));
    }

    static BufferedImage white(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    static BufferedImage checkerboard(int w, int h, int cell) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, ((x / cell + y / cell) & 1) == 0 ? 0 : 0xFFFFFF);
            }
        }
        return image;
    }

    static BufferedImage stripes(int w, int h, int width) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, ((x / width) & 1) == 0 ? 0x202020 : 0xF0F0F0);
            }
        }
        return image;
    }

    static BufferedImage noise(int w, int h) {
        Random random = new Random(8);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, random.nextBoolean() ? 0 : 0xFFFFFF);
            }
        }
        return image;
    }

    /**
     * {@code n x n} QR finder patterns on white, their modules {@code module} to {@code module + 3} px in turn: the
     * sizes differ too much for ZXing's early stop at three matching patterns, so it gathers every one.
     */
    static BufferedImage finderGrid(int n, int module) {
        int cell = 8 * (module + 3);
        int side = n * cell + 2 * cell;
        BufferedImage image = white(side, side);
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                int m = module + (i + j) % 4;
                int x0 = cell + i * cell;
                int y0 = cell + j * cell;
                for (int y = 0; y < 7 * m; y++) {
                    for (int x = 0; x < 7 * m; x++) {
                        int mx = x / m;
                        int my = y / m;
                        int ring = Math.min(Math.min(mx, my), Math.min(6 - mx, 6 - my));
                        if (ring != 1) {
                            image.setRGB(x0 + x, y0 + y, 0);
                        }
                    }
                }
            }
        }
        return image;
    }
}
