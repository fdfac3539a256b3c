#!/usr/bin/env bash
# Runs the raster-checks benchmark (RasterChecksBenchmark) on one core, or the quality calibration.
#   src/test/bench/run-checks-benchmark.sh [photo_dir] [rounds] [time_limit_ms]
#   src/test/bench/run-checks-benchmark.sh calibrate [photo_dir]
# Photos: /usr/bin/python3 src/test/bench/quality_photos.py (writes target/bench/quality and its 12mp folder).
set -euo pipefail
cd "$(dirname "$0")/../../.."
./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
    -Dmdep.includeScope=test >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench/classpath.txt)"
main=com.ffs.validator.image.RasterChecksBenchmark
if [ "${1:-}" = calibrate ]; then
    main=com.ffs.validator.image.QualityCalibration
    shift
fi
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 1); fi
"${pin[@]}" java --enable-native-access=ALL-UNNAMED -XX:ActiveProcessorCount=1 -cp "$cp" "$main" "$@"
