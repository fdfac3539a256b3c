package com.ffs.validator.image;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Coefficients are reused for the same sizes, filter and window, and only small tables are kept. */
class CoefficientCacheTest {

    private static PillowResize.Axis axis(int in, int out, Resample filter, int first, int count) {
        return new PillowResize.Axis(in, out, filter, first, count, PillowResize.Limits.DEFAULT);
    }

    @Test
    void shouldReuseTheCoefficientsOfTheSameAxis() {
        PillowResize.Coefficients a = PillowResize.Coefficients.of(axis(1000, 224, Resample.BICUBIC, 0, 224), null, 4);
        PillowResize.Coefficients b = PillowResize.Coefficients.of(axis(1000, 224, Resample.BICUBIC, 0, 224), null, 4);
        assertThat(b).isSameAs(a);
        // Another window, filter or layout is another table.
        assertThat(PillowResize.Coefficients.of(axis(1000, 224, Resample.BICUBIC, 1, 223), null, 4)).isNotSameAs(a);
        assertThat(PillowResize.Coefficients.of(axis(1000, 224, Resample.BILINEAR, 0, 224), null, 4)).isNotSameAs(a);
        assertThat(PillowResize.Coefficients.of(axis(1000, 224, Resample.BICUBIC, 0, 224), null, 1)).isNotSameAs(a);
    }

    @Test
    void shouldKeepOnlySmallTables() {
        // A 12 MP photo's width to 224: 224 outputs of 73 taps with their SIMD layout, about 340 KB.
        PillowResize.Axis large = axis(4032, 224, Resample.BICUBIC, 0, 224);
        PillowResize.Coefficients first = PillowResize.Coefficients.of(large, null, 4);
        assertThat(first.bytes()).isGreaterThan(CoefficientCache.MAX_ENTRY_BYTES);
        assertThat(PillowResize.Coefficients.of(large, null, 4)).isNotSameAs(first);
    }

    @Test
    void shouldComputeWhatItDidNotKeep() {
        PillowResize.Work work = new PillowResize.Work();
        PillowResize.Coefficients.of(axis(1234, 97, Resample.HAMMING, 0, 97), work, 1);
        assertThat(work.evaluations).isPositive();
        PillowResize.Work again = new PillowResize.Work();
        PillowResize.Coefficients.of(axis(1234, 97, Resample.HAMMING, 0, 97), again, 1);
        assertThat(again.evaluations).isZero();
    }
}
