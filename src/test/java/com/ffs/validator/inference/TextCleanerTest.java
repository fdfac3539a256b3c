package com.ffs.validator.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** OpenCLIP's canonicalize cleaning, as Marqo's SigLIP tokenizer expects. */
class TextCleanerTest {

    @Test
    void shouldCanonicalizeLikeOpenClip() {
        assertThat(TextCleaner.CANONICALIZE.clean("  Men's RED T-Shirt,   size_XL!  ")).isEqualTo("mens red tshirt size xl");
        assertThat(TextCleaner.CANONICALIZE.clean("Tom &amp; Jerry&#39;s")).isEqualTo("tom jerrys");
        assertThat(TextCleaner.NONE.clean("Keep: Me")).isEqualTo("Keep: Me");
    }
}
