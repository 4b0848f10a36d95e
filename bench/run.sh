#!/usr/bin/env bash
# The side-by-side benchmark: our default preset vs Spark MLlib's MultilayerPerceptronClassifier on the same MNIST
# files and the same local[2] Spark, the gradient kernel vs the gemm ceiling, cache bytes per pixel, and throughput
# on generated 600k / 3M training sets. Prints a table; writes bench/results.json. Not part of `mvn test`.
#   bench/run.sh [--data-dir DIR] [--out FILE] [--repeats N] [--only kernel,ours,notebook,scale,barrier,mlpc,pytorch]
#   Batch scoring against ONNX Runtime (issue 32) runs only when named: bench/run.sh --only scoring [--repeats N].
#   Two long sections run only when --only names them. The scaleout section (issue 12, about 46 minutes) trains the default preset at 2..64 partitions and projects epoch time on N
#   one-core executors: bench/run.sh --only scaleout [--scaleout-partitions 2,4,8,16,32,64] [--scaleout-seeds 42,7,1]
#   [--scaleout-large-seeds 42] (seeds from 32 partitions on, default: the same) [--scaleout-reuse FILE] (summarise
#   and project the runs of an earlier results file again, without training)
# The `best` section (the best preset with distortions: time to 99.0% / 99.2%, final accuracy, distortion share of
# the time inside tasks, samples/s; 3-4 minutes per seed with OpenBLAS) runs only when named: --only best [--best-repeats 3].
# The `engines` section (issue 28, 30-50 minutes: per-step time of both engines in local[N] and local-cluster
# child JVMs, exchange fit, projection, submit.sh runs) runs only when named: --only engines [--engines-repeats 3].
# The `committee` section (issue 31: K = 1, 3, 5, 7 members of `best`, accuracy, members per hour, projection on K
# one-core executors) runs only when named: --only committee [--committee-reuse DIR] (DIR: a committee written by
# ./submit.sh train --preset committee; without it the section trains one, over an hour on two cores), then probes
# 1 member on 1 core against 2 on 2 cores [--committee-probe-iterations 2340] [--committee-probe-repeats 3].
# Options are listed in src/bench/java/dev/sparkmnist/bench/BenchMain.java. Needs about 6 GB of heap and, for the
# 3M set, 2.4 GB of disk under target/bench-data (generated once, reused afterwards).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
export OPENBLAS_NUM_THREADS=1
export SPARK_SCALA_VERSION=2.13

DATA_DIR="${MNIST_DIR:-../shared/data/mnist}"
[[ -d "$DATA_DIR" ]] || DATA_DIR=data/mnist

# spark-mllib (the peer we compare with) is a provided dependency of the main build; the benchmark sources compile
# against the same classpath.
mvn -q -B compile dependency:build-classpath -Dmdep.includeScope=compile \
  -Dmdep.outputFile=target/bench-classpath.txt >&2
CP="target/classes:$(cat target/bench-classpath.txt)"
mkdir -p target/bench-classes   # not emptied: a benchmark already running may still load classes from it
javac -d target/bench-classes -cp "$CP" $(find src/bench/java -name '*.java')

BLAS_OPT=()
if ldconfig -p 2>/dev/null | grep -q libopenblas.so.0; then
  BLAS_OPT=(-Ddev.ludovic.netlib.blas.nativeLib=libopenblas.so.0)
fi
mapfile -t JAVA_OPTS < <(grep -v '^#' conf/java-options)
# BENCH_JAVA_OPTS: extra JVM flags, e.g. -Dspark.task.maxDirectResultSize=1m to compare a Spark setting.
read -r -a EXTRA_OPTS <<< "${BENCH_JAVA_OPTS:-}"
# --only, --out and --data-dir, for the peers below (BenchMain reads the same options itself).
ONLY="" OUT="bench/results.json"
for ((i = 1; i <= $#; i++)); do
  case "${!i}" in
    --only) j=$((i + 1)); ONLY="${!j}" ;;
    --out) j=$((i + 1)); OUT="${!j}" ;;
    --data-dir) j=$((i + 1)); DATA_DIR="${!j}" ;;
  esac
done
if [[ "$ONLY" != pytorch && "$ONLY" != scoring ]]; then
  java -Xmx"${BENCH_HEAP:-10g}" "${JAVA_OPTS[@]}" "${BLAS_OPT[@]}" "${EXTRA_OPTS[@]}" \
    -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
    -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 \
    -cp "target/bench-classes:$CP" dev.sparkmnist.bench.BenchMain --data-dir "$DATA_DIR" "$@"
fi

# The scoring section (issue 32; bench/scoring.sh: predict and the spark.ml transform against ONNX Runtime, about
# 15 minutes at 3 repeats) runs only when --only names it: bench/run.sh --only scoring [--repeats N].
if [[ ",$ONLY," == *,scoring,* ]]; then
  REPEATS=3
  for ((i = 1; i <= $#; i++)); do
    [[ "${!i}" == --repeats ]] && { j=$((i + 1)); REPEATS="${!j}"; }
  done
  bench/scoring.sh "$DATA_DIR" "$OUT" "$REPEATS"
fi

# The PyTorch peer (bench/pytorch.sh; skipped with the reason when Debian's python3-torch is absent), in the same
# run as ours so the ratio compares like with like: `vsPytorch` in the results file. Runs when no --only is given
# or --only names pytorch (alone, it reads our time from the results file already there).
if [[ -z "$ONLY" || ",$ONLY," == *,pytorch,* ]]; then
  bench/pytorch.sh "$DATA_DIR" "$OUT"
fi
