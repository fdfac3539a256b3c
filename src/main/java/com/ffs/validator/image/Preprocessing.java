package com.ffs.validator.image;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One image on its way to several models: {@link #write} gives each model its tensor, as
 * {@link Preprocessor#write} would, and work the models share is done once. Models whose resize has the same
 * horizontal pass (for a portrait or square photo, CLIP's shortest-edge resize and SigLIP's squash both filter every
 * row to 224 columns with one filter) are resized together when the first of them is written; the others' pixels
 * (the model's input size, 150 KB at 224 x 224) wait for their own write. One per image, used by one thread.
 */
public final class Preprocessing {

    private final RgbImage image;
    private final List<PreprocessorConfig> configs;
    private final Preprocessor.Plan[] plans;
    private final RgbImage[] ready;
    private final boolean[] written;
    private final ResizeKernels kernels;
    private final PillowResize.Work work;

    /**
     * Plans the preprocessing of {@code image} for {@code configs} from the sizes alone.
     *
     * @throws IntakeException {@code IMAGE_TOO_LARGE} as {@link Preprocessor#workingBytes} for any of them
     */
    public Preprocessing(RgbImage image, List<PreprocessorConfig> configs) {
        this(image, configs, ResizeKernels.instance(), null);
    }

    Preprocessing(RgbImage image, List<PreprocessorConfig> configs, ResizeKernels kernels, PillowResize.Work work) {
        this.image = image;
        this.configs = List.copyOf(configs);
        this.kernels = kernels;
        this.work = work;
        this.plans = new Preprocessor.Plan[this.configs.size()];
        this.ready = new RgbImage[plans.length];
        this.written = new boolean[plans.length];
        for (int i = 0; i < plans.length; i++) {
            plans[i] = Preprocessor.plan(image.width(), image.height(), this.configs.get(i));
        }
    }

    /**
     * Writes {@code cfg}'s tensor for the image into {@code dst} at its position and advances it, as
     * {@link Preprocessor#write}; {@code cfg} is one of the configurations given.
     */
    public void write(PreprocessorConfig cfg, FloatBuffer dst) {
        int index = -1;
        for (int i = 0; i < plans.length && (index < 0 || written[index]); i++) {
            if (configs.get(i) == cfg) {
                index = i;
            }
        }
        if (index < 0) {
            throw new IllegalArgumentException("not one of this image's configurations");
        }
        RgbImage pixels = ready[index];
        ready[index] = null;
        written[index] = true;
        if (pixels == null) {
            pixels = resize(index);
        }
        Preprocessor.normalise(pixels, cfg, dst);
    }

    /** Resizes model {@code index}, with every model not yet written whose horizontal pass is the same. */
    private RgbImage resize(int index) {
        Preprocessor.Plan plan = plans[index];
        PreprocessorConfig cfg = configs.get(index);
        if (!plan.resizes()) {
            return Preprocessor.pad(image, plan, cfg);
        }
        List<Integer> group = new ArrayList<>();
        group.add(index);
        for (int j = 0; j < plans.length; j++) {
            if (j != index && !written[j] && ready[j] == null && plans[j].resizes()
                    && plan.shape().sharesHorizontalWith(plans[j].shape())) {
                group.add(j);
            }
        }
        List<PillowResize.Shape> shapes = group.stream().map(j -> plans[j].shape()).toList();
        List<RgbImage> resized = PillowResize.resizeRegions(image, shapes, work, kernels);
        for (int k = 1; k < group.size(); k++) {
            int j = group.get(k);
            ready[j] = Preprocessor.pad(resized.get(k), plans[j], configs.get(j));
        }
        return Preprocessor.pad(resized.getFirst(), plan, cfg);
    }
}
