#!/usr/bin/env bash
# The benchmark kit in one command: ffs-validator against the seed-style baseline on this machine.
#
#   bench/run.sh [full|smoke]        (default full; smoke runs a few requests per phase to check the kit)
#
# Steps: checks the Debian packages it needs (installs them when run as root), packages the service when the jar
# is missing or older than the sources, generates the benchmark models and sample photos (~1 MP and 12 MP) once
# (cached under bench/out/), compiles the intake benchmark, then runs bench/java/Bench.java, which starts each
# system, measures it and prints one Markdown table; the table is also written to
# bench/out/results-<profile>-<time>.md. BENCHMARKS.md describes the method.
# Duration on 2 cores: about 35 minutes (full), about 12 minutes (smoke), plus the overload phase (bench/java/
# Overload.java: 40 clients of 8-image requests against full-cost models for 90 s, 20 s in smoke).
#
# Environment: JAVA_HOME (a JDK 25), BENCH_OUT (work folder, default bench/out), BENCH_REBUILD=1 (package the jar
# again), FFS_JAVA_OPTS (JVM options of the service, default below), BENCH_ONLY (comma list of
# baseline-full,ffs-full,ffs-fast-full,baseline-tiny,ffs-tiny,ffs-fast-tiny,baseline-tiny-12mp,ffs-tiny-12mp,
# ffs-fast-tiny-12mp,ffs-cached,ort-alone,intake,overload to run a subset).
set -euo pipefail

profile=${1:-full}
case "$profile" in full|smoke) ;; *) echo "usage: bench/run.sh [full|smoke]" >&2; exit 2 ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
out=${BENCH_OUT:-$root/bench/out}
mkdir -p "$out"
py=/usr/bin/python3
java=${JAVA_HOME:+$JAVA_HOME/bin/}java

# 1. Debian packages: PyTorch with a threaded OpenBLAS (without libopenblas0-pthread torch runs ~50x slower).
packages="python3-torch python3-torchvision libopenblas0-pthread python3-pil python3-numpy python3-requests python3-onnx"
if ! "$py" -c "import torch, torchvision, PIL, numpy, requests, onnx" 2>/dev/null \
        || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $packages
    else
        echo "missing Debian packages; run: sudo apt-get install $packages" >&2
        exit 1
    fi
fi
"$java" -version 2>&1 | grep -q 'version "25' || { echo "JDK 25 required (set JAVA_HOME)" >&2; exit 1; }

# 2. The packaged service.
jar=$root/target/quarkus-app/quarkus-run.jar
if [ ! -f "$jar" ] || [ -n "${BENCH_REBUILD:-}" ] \
        || [ -n "$(cd "$root" && find src pom.xml -newer "$jar" -print -quit)" ]; then
    echo "== packaging the service" >&2
    (cd "$root" && ./mvnw -B -q package -DskipTests)
fi
ort_jar=$(ls "$root"/target/quarkus-app/lib/main/com.microsoft.onnxruntime.onnxruntime*.jar | head -1)

# 3. Models and photos, generated once.
for set in full tiny; do
    if [ ! -f "$out/models-$set/.complete" ]; then
        echo "== generating $set benchmark models" >&2
        rm -rf "$out/models-$set"
        (cd "$root/bench/python" && "$py" make_models.py "$out/models-$set" --set "$set")
    fi
done
if [ ! -f "$out/photos/photo-00.jpg" ]; then
    echo "== preparing sample photos" >&2
    (cd "$root/bench/python" && "$py" make_photos.py "$out/photos")
fi
if [ ! -f "$out/photos-12mp/photo-00.jpg" ]; then
    echo "== preparing 12 MP sample photos" >&2
    (cd "$root/bench/python" && "$py" make_photos.py "$out/photos-12mp" 12)
fi

# 4. The intake benchmark (a test-scope program) and its classpath.
echo "== compiling the intake benchmark" >&2
(cd "$root" && ./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/bench/classpath.txt \
    -Dmdep.includeScope=test >/dev/null)
printf -- '-cp %s\n' "$root/target/classes:$root/target/test-classes:$(cat "$root/target/bench/classpath.txt")" \
    > "$root/target/bench/intake.args"
pin=()
if command -v taskset >/dev/null; then pin=(taskset -c 1); fi

# 5. Both sides get the same fashion prompts, so their scores can be compared.
prompts() { (cd "$root/bench/python" && "$py" -c "import benchmodels as b; print(','.join(b.$1))"); }
export VALIDATOR_FASHION_PROMPTS=$(prompts FASHION_PROMPTS)
export VALIDATOR_FASHION_NEGATIVE_PROMPTS=$(prompts OTHER_PROMPTS)
export VALIDATOR_INFERENCE_DEVICE=cpu
export VALIDATOR_FETCH_ALLOW_PRIVATE=true

ffs_java_opts=${FFS_JAVA_OPTS:--XX:+UseG1GC -Xms64m -Xmx512m}
# As the packaged jar is documented to start: the resize's SIMD kernels need the Vector API module.
ffs_java="$java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector $ffs_java_opts"
ffs_args="-Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port={port} -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port={mport} -Dvalidator.models.dir={models}"
commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD 2>/dev/null || commit="$commit+changes"
result=$out/results-$profile-$(date +%Y%m%d-%H%M%S).md
rm -rf "$out/ort-cache"
only=()
[ -n "${BENCH_ONLY:-}" ] && only=(--only "$BENCH_ONLY")

"$java" "$root/bench/java/Bench.java" \
    --profile "$profile" --commit "$commit" --jvm "--add-modules jdk.incubator.vector $ffs_java_opts" --out "$result" "${only[@]}" \
    --photos "$out/photos" --photos-12mp "$out/photos-12mp" --models-full "$out/models-full" --models-tiny "$out/models-tiny" \
    --baseline "$py $root/bench/python/seed_handler.py --models {models} --port {port}" \
    --ffs "$ffs_java $ffs_args -jar $jar" \
    --ffs-fast "$ffs_java $ffs_args -Dvalidator.image.decode-scaling=fast -jar $jar" \
    --ffs-cached "$ffs_java $ffs_args -Dvalidator.inference.optimized-model-cache=$out/ort-cache -jar $jar" \
    --ort-alone "$java --enable-native-access=ALL-UNNAMED -cp $ort_jar $root/bench/java/OrtAlone.java {models} {seconds} 4,8 false,true" \
    --intake "${pin[*]} $java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector -XX:ActiveProcessorCount=1 @$root/target/bench/intake.args com.ffs.validator.image.IntakeBenchmark {photos} {rounds} {flags}" \
    --pillow "${pin[*]} $py $root/src/test/bench/bench_pillow.py {photos} {rounds} {flags}"

# 6. The overload phase: admission by expected wait under far more clients than capacity.
if [ -z "${BENCH_ONLY:-}" ] || [[ ",$BENCH_ONLY," == *",overload,"* ]]; then
    echo "== overload phase" >&2
    seconds=90
    [ "$profile" = smoke ] && seconds=20
    overload=$out/overload-$profile-$(date +%Y%m%d-%H%M%S).md
    "$java" "$root/bench/java/Overload.java" --photos "$out/photos" --models "$out/models-full" \
        --ffs "$ffs_java $ffs_args -jar $jar" --clients 40 --seconds "$seconds" --max-queue-time 10 \
        --log "$out/overload-service.log" --out "$overload"
    { echo; cat "$overload"; } >> "$result"
fi
