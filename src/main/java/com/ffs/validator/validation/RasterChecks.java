package com.ffs.validator.validation;

import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import com.ffs.validator.image.CheckCopy;
import com.ffs.validator.image.CodeScan;
import com.ffs.validator.image.CodeScanner;
import com.ffs.validator.image.RasterStatistics;
import com.ffs.validator.image.RgbImage;
import com.ffs.validator.metrics.MetricNames;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The checks that read the decoded raster instead of a model, {@code quality} and {@code codes}: both work on one
 * reduced copy ({@link CheckCopy}), made once per image whichever of them runs, on the CPU thread that decoded it.
 */
@ApplicationScoped
public class RasterChecks {

    /** What the raster checks found; a field is null when its check was not asked for. */
    record Outcome(QualityResult quality, List<CodeResult> codes) {
        static final Outcome NONE = new Outcome(null, null);
    }

    private final QualityCheck quality;
    private final CodesCheck codes;
    private final Counter incompleteScans;

    public RasterChecks(QualityCheck quality, CodesCheck codes, MeterRegistry registry) {
        this.quality = quality;
        this.codes = codes;
        this.incompleteScans = registry.counter(MetricNames.CODE_SCANS_CUT_SHORT);
    }

    /** Whether any of {@code checks} reads the raster. */
    static boolean wanted(Set<Check> checks) {
        return checks.contains(Check.QUALITY) || checks.contains(Check.CODES);
    }

    /** Bytes the raster checks of a {@code width x height} image allocate at most, known before decoding. */
    static long workingBytes(int width, int height, Set<Check> checks) {
        if (!wanted(checks)) {
            return 0;
        }
        long scan = checks.contains(Check.CODES) ? CodeScanner.workingBytes(width, height) : 0;
        long stats = checks.contains(Check.QUALITY) ? RasterStatistics.workingBytes() : 0;
        return CheckCopy.workingBytes(width, height) + Math.max(scan, stats);
    }

    /** Runs the raster checks among {@code checks} on a decoded image. */
    Outcome run(RgbImage image, Set<Check> checks) {
        if (!wanted(checks)) {
            return Outcome.NONE;
        }
        RgbImage copy = CheckCopy.of(image);
        QualityResult q = checks.contains(Check.QUALITY) ? quality.evaluate(image, copy) : null;
        List<CodeResult> found = null;
        if (checks.contains(Check.CODES)) {
            CodeScan scan = codes.scan(image, copy);
            if (!scan.complete()) {
                incompleteScans.increment();
            }
            found = CodesCheck.results(scan);
        }
        return new Outcome(q, found);
    }
}
