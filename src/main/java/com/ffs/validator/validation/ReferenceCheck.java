package com.ffs.validator.validation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import com.ffs.validator.image.ImageDecoder;
import com.ffs.validator.image.IntakeException;
import com.ffs.validator.image.Preprocessor;
import com.ffs.validator.image.PreprocessorConfig;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.inference.InferenceEngine;
import com.ffs.validator.inference.ModelKind;
import com.ffs.validator.inference.ModelLoadException;
import com.ffs.validator.inference.ReferenceOutputs;

/**
 * Proves at start-up that the service's own pipeline gives the export's PyTorch numbers: each model folder's
 * {@code reference_outputs.json} sample images go through decoding, preprocessing and ONNX Runtime exactly as
 * requests do, its texts through the tokenizer and text graph, and every output row must stay within tolerance of
 * the reference. Models without the file are not checked.
 *
 * <p>
 * Tolerances: classifier logits within {@value #LOGITS_MAX_ABS} of the reference (each value), embeddings at
 * cosine {@value #EMBEDDING_MIN_COSINE} or more; for fp16 graphs {@value #LOGITS_MAX_ABS_FP16} and
 * {@value #EMBEDDING_MIN_COSINE_FP16}.
 */
final class ReferenceCheck {

    static final double LOGITS_MAX_ABS = 0.02;
    static final double EMBEDDING_MIN_COSINE = 0.9999;
    static final double LOGITS_MAX_ABS_FP16 = 0.1;
    static final double EMBEDDING_MIN_COSINE_FP16 = 0.998;

    private final InferenceEngine engine;
    private final ImageDecoder decoder;

    ReferenceCheck(InferenceEngine engine, ImageDecoder decoder) {
        this.engine = engine;
        this.decoder = decoder;
    }

    /** What the check found for one model: a readable line for readiness data. */
    record Outcome(ModelKind kind, String summary) {
    }

    /**
     * Checks every model that has reference outputs.
     *
     * @return one outcome per checked model
     * @throws ModelLoadException naming the model and the largest difference when any output drifts
     */
    Map<ModelKind, Outcome> run() {
        Map<ModelKind, Outcome> outcomes = new EnumMap<>(ModelKind.class);
        for (ModelKind kind : ModelKind.values()) {
            Optional<ReferenceOutputs> reference = engine.referenceOutputs(kind);
            reference.ifPresent(r -> outcomes.put(kind, check(kind, r)));
        }
        return outcomes;
    }

    private Outcome check(ModelKind kind, ReferenceOutputs reference) {
        boolean fp16 = engine.halfPrecision(kind);
        boolean logits = kind == ModelKind.NSFW;
        Tolerance tolerance = logits ? new Tolerance(true, fp16 ? LOGITS_MAX_ABS_FP16 : LOGITS_MAX_ABS)
                : new Tolerance(false, fp16 ? EMBEDDING_MIN_COSINE_FP16 : EMBEDDING_MIN_COSINE);
        PreprocessorConfig pre = engine.preprocessing(kind);
        List<Drift> drifts = new ArrayList<>();
        for (ReferenceOutputs.ImageSample sample : reference.images()) {
            RgbImage image;
            try {
                image = decoder.decode(sample.png());
            } catch (IntakeException e) {
                throw new ModelLoadException(reference.file() + ": sample image '" + sample.name()
                        + "' does not decode (" + e.getMessage() + ")");
            }
            float[] actual;
            try {
                actual = engine.infer(kind, slot -> Preprocessor.write(image, pre, slot), true).join();
            } catch (CompletionException e) {
                throw new ModelLoadException(kind.id() + ": inference on reference image '" + sample.name()
                        + "' failed: " + e.getCause().getMessage(), e.getCause());
            }
            drifts.add(compare("image '" + sample.name() + "'", actual, sample.expected(), tolerance, reference));
        }
        if (!reference.texts().isEmpty()) {
            List<String> texts = reference.texts().stream().map(ReferenceOutputs.TextSample::text).toList();
            float[][] actual = engine.embedTexts(kind, texts);
            for (int i = 0; i < texts.size(); i++) {
                drifts.add(compare("text '" + abbreviate(texts.get(i)) + "'", actual[i],
                        reference.texts().get(i).expected(), tolerance, reference));
            }
        }
        Drift worst = drifts.stream().max((a, b) -> Double.compare(a.excess(), b.excess())).orElseThrow();
        String precision = fp16 ? "fp16" : "fp32";
        if (worst.excess() > 0) {
            throw new ModelLoadException(kind.id() + " (" + engine.metadata(kind).name() + "): the service's pipeline "
                    + "drifts from " + reference.file() + " on " + worst.what() + ": " + worst.describe() + " ("
                    + precision + " graph); decoding, preprocessing or the graph no longer reproduce the export's "
                    + "PyTorch outputs - check preprocessor_config.json, tokenizer.json and the graphs");
        }
        return new Outcome(kind, String.format(Locale.ROOT, "%d images, %d texts within tolerance (%s graph; worst %s)",
                reference.images().size(), reference.texts().size(), precision, worst.describe()));
    }

    /** Logits compare value by value, embeddings by cosine (the service normalises them anyway). */
    private record Tolerance(boolean absolute, double bound) {
    }

    /** How far one output is from its reference; excess > 0 means beyond tolerance. */
    private record Drift(String what, Tolerance tolerance, double value) {
        double excess() {
            return tolerance.absolute() ? value - tolerance.bound() : tolerance.bound() - value;
        }

        String describe() {
            return tolerance.absolute()
                    ? String.format(Locale.ROOT, "max |difference| %.3g, tolerance %.3g", value, tolerance.bound())
                    : String.format(Locale.ROOT, "cosine %.7f, tolerance %.4f", value, tolerance.bound());
        }
    }

    private static Drift compare(String what, float[] actual, float[] expected, Tolerance tolerance,
            ReferenceOutputs reference) {
        if (actual.length != expected.length) {
            throw new ModelLoadException(reference.file() + ": " + what + " has " + expected.length
                    + " reference values but the graph gives " + actual.length);
        }
        if (tolerance.absolute()) {
            double max = 0;
            for (int i = 0; i < actual.length; i++) {
                max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
            }
            return new Drift(what, tolerance, Double.isNaN(max) ? Double.POSITIVE_INFINITY : max);
        }
        double cos = Scores.dot(Scores.l2Normalize(actual), Scores.l2Normalize(expected));
        return new Drift(what, tolerance, Double.isNaN(cos) ? -1 : cos);
    }

    private static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
