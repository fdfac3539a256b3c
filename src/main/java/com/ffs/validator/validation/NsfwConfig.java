package com.ffs.validator.validation;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The NSFW check. */
@ConfigMapping(prefix = "validator.nsfw")
public interface NsfwConfig {

    /** is_nsfw when the unsafe probability is at least this. */
    @WithDefault("0.5")
    double threshold();

    /** Labels (from the model's id2label) whose probabilities add up to the NSFW score. */
    @WithDefault("nsfw")
    List<String> unsafeLabels();
}
