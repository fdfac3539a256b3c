package com.ffs.validator.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Lines in the output by outcome: results, and errors per code; those of earlier runs apart. Thread-safe. */
final class Tally {

    private final LongAdder ok = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder earlier = new LongAdder();
    private final Map<String, LongAdder> codes = new ConcurrentHashMap<>();

    /** Counts one line; {@code code} is null for a result. */
    void add(String code, boolean fromEarlierRun) {
        if (code == null) {
            ok.increment();
        } else {
            errors.increment();
            codes.computeIfAbsent(code, k -> new LongAdder()).increment();
        }
        if (fromEarlierRun) {
            earlier.increment();
        }
    }

    long ok() {
        return ok.sum();
    }

    long errors() {
        return errors.sum();
    }

    long lines() {
        return ok.sum() + errors.sum();
    }

    /** Lines written by this run. */
    long thisRun() {
        return lines() - earlier.sum();
    }

    long earlier() {
        return earlier.sum();
    }

    /** Errors per code, most frequent first. */
    Map<String, Long> byCode() {
        Map<String, Long> out = new LinkedHashMap<>();
        codes.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue().sum()))
                .sorted(Map.Entry.<String, Long> comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
