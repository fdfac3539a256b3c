package com.ffs.validator.validation;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The codes check (QR, Data Matrix and Aztec codes in images). */
@ConfigMapping(prefix = "validator.codes")
public interface CodesConfig {

    /** Time one image's code scan may take; it stops there and lists what it found so far. */
    @WithDefault("150ms")
    Duration timeLimit();
}
