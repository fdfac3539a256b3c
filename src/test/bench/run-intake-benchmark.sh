#!/usr/bin/env bash
# Runs the intake benchmark program (IntakeBenchmark) on one core, then Pillow's counterpart on the same photos.
#   src/test/bench/run-intake-benchmark.sh [photo_dir] [rounds]
# Photos: /usr/bin/python3 src/test/bench/bench_photos.py (writes ~1 MP JPEGs to target/bench/photos).
set -euo pipefail
cd "$(dirname "$0")/../../.."
dir="${1:-target/bench/photos}"
rounds="${2:-30}"
./mvnw -B -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
    -Dmdep.includeScope=test >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench/classpath.txt)"
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 1); fi
"${pin[@]}" java --enable-native-access=ALL-UNNAMED -XX:ActiveProcessorCount=1 -cp "$cp" \
    com.ffs.validator.image.IntakeBenchmark "$dir" "$rounds"
echo
"${pin[@]}" /usr/bin/python3 src/test/bench/bench_pillow.py "$dir" "$rounds"
