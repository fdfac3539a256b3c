package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class RasterBudgetTest {

    private static final long MIB = 1 << 20;

    @Test
    void refusesAnImageLargerThanTheWholeBudgetAndReservesNothing() {
        RasterBudget budget = RasterBudget.of(8 * MIB);
        try (RasterBudget.Hold hold = budget.hold()) {
            assertThatThrownBy(() -> hold.reserve(8 * MIB + 1, "PNG of 1025x1024"))
                    .isInstanceOfSatisfying(IntakeException.class,
                            e -> assertThat(e.error()).isEqualTo(IntakeError.IMAGE_TOO_LARGE))
                    .hasMessageContaining("PNG of 1025x1024 needs about 9 MB")
                    .hasMessageContaining("8 MB of validator.image.raster-memory");
        }
        assertThat(budget.availableBytes()).isEqualTo(8 * MIB);
    }

    @Test
    void aHoldKeepsItsLargestRasterAndGivesEverythingBackOnce() {
        RasterBudget budget = RasterBudget.of(8 * MIB);
        RasterBudget.Hold hold = budget.hold();
        hold.reserve(256 * 256 * 8, "JPEG");
        hold.reserve(512 * 512 * 8, "JPEG");
        hold.reserve(128 * 128 * 8, "JPEG");
        assertThat(budget.availableBytes()).isEqualTo(8 * MIB - 512 * 512 * 8);
        hold.close();
        hold.close();
        assertThat(budget.availableBytes()).isEqualTo(8 * MIB);
    }

    @Test
    void waitsWhileOtherImagesUseTheBudget() throws Exception {
        RasterBudget budget = RasterBudget.of(8 * MIB);
        RasterBudget.Hold first = budget.hold();
        first.reserve(7 * MIB, "JPEG");
        CountDownLatch asking = new CountDownLatch(1);
        CompletableFuture<RasterBudget.Hold> second = CompletableFuture.supplyAsync(() -> {
            RasterBudget.Hold h = budget.hold();
            asking.countDown();
            h.reserve(2 * MIB, "JPEG");
            return h;
        });
        asking.await();
        // The second image cannot have its memory while the first holds it.
        assertThat(budget.availableBytes()).isEqualTo(MIB);
        assertThat(second).isNotDone();
        first.close();
        second.get(5, TimeUnit.SECONDS).close();
        assertThat(budget.availableBytes()).isEqualTo(8 * MIB);
    }

    @Test
    void theDecoderHoldsTheRasterUntilClosedAndReleasesOnFailure() {
        RasterBudget budget = RasterBudget.of(8 * MIB);
        ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, TurboJpeg.instance(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE, budget);
        byte[] jpeg = Goldens.bytes("photo-420_320x200.jpg");
        try (ImageDecoder.Decoded decoded = decoder.decodeHeld(jpeg, (w, h) -> 3 * MIB)) {
            assertThat(decoded.image().width()).isEqualTo(320);
            // The RGB result and the larger of the decoder's and the preprocessing's memory.
            assertThat(budget.availableBytes()).isEqualTo(8 * MIB - Math.ceilDiv(320 * 200 * 3 + 3 * MIB, 1024) * 1024);
        }
        assertThat(budget.availableBytes()).isEqualTo(8 * MIB);

        assertThat(decoder.decode(jpeg).height()).isEqualTo(200);
        assertThat(budget.availableBytes()).isEqualTo(8 * MIB);

        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
        assertThatThrownBy(() -> decoder.decodeHeld(truncated)).isInstanceOfSatisfying(IntakeException.class,
                e -> assertThat(e.error()).isEqualTo(IntakeError.DECODE_FAILED));
        assertThat(budget.availableBytes()).isEqualTo(8 * MIB);
    }

    @Test
    void aDecoderWithASmallBudgetRefusesLargerImages() {
        ImageDecoder decoder = new ImageDecoder(Long.MAX_VALUE, AlphaPolicy.WHITE, true, Optional.empty(),
                LibWebp.instance(), ImageDecoder.RasterListener.NONE, RasterBudget.of(256 << 10));
        assertThatThrownBy(() -> decoder.decode(Goldens.bytes("photo-420_320x200.jpg")))
                .isInstanceOfSatisfying(IntakeException.class,
                        e -> assertThat(e.error()).isEqualTo(IntakeError.IMAGE_TOO_LARGE))
                .hasMessageContaining("320x200");
    }
}
