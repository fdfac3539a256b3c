#!/usr/bin/env bash
# Runs the intake benchmark program (IntakeBenchmark) on one core, then Pillow's counterpart on the same photos.
#   src/test/bench/run-intake-benchmark.sh [photo_dir] [rounds] [--fast] [--imageio]
# Photos: /usr/bin/python3 src/test/bench/bench_photos.py (writes ~1 MP JPEGs to target/bench/photos).
# --fast decodes JPEGs as validator.image.decode-scaling=fast does (and Pillow with draft()); --imageio adds the
# ImageIO decoder's column. JAVA_HOME: a JDK 25.
set -euo pipefail
cd "$(dirname "$0")/../../.."
args=()
flags=()
for a in "$@"; do
    case "$a" in --*) flags+=("$a") ;; *) args+=("$a") ;; esac
done
dir="${args[0]:-target/bench/photos}"
rounds="${args[1]:-30}"
java=${JAVA_HOME:+$JAVA_HOME/bin/}java
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
    -Dmdep.includeScope=test >/dev/null
cp="target/classes:target/test-classes:$(cat target/bench/classpath.txt)"
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 1); fi
"${pin[@]}" "$java" --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:ActiveProcessorCount=1 \
    -cp "$cp" com.ffs.validator.image.IntakeBenchmark "$dir" "$rounds" "${flags[@]}"
echo
draft=()
for f in "${flags[@]}"; do [ "$f" = --fast ] && draft=(--draft); done
"${pin[@]}" /usr/bin/python3 src/test/bench/bench_pillow.py "$dir" "$rounds" "${draft[@]}"
