#!/usr/bin/env bash
# The `scoring` section of bench/run.sh (issue 32): batch scoring on the same two cores, in the same run, of
#   - `./submit.sh predict ... --format parquet` (whole command, JVM start included),
#   - a spark.ml program: IdxFrames.read, transform, write Parquet (bench TransformScoring, whole JVM),
#   - ONNX Runtime Java on the model exported as float ONNX, gz IDX decoding included (bench OnnxScoring, whole
#     JVM, 2 intra-op threads),
# for 784-512-10 and 784-800-10 (the default preset, and the same with --hidden 800; trained once and reused) on the
# MNIST test set (10k), the training set (60k) and the generated 600k set (target/bench-data/mnist-600000, as the
# scale section makes it). Medians of REPEATS runs; "marginal" images/s are (600k - 60k) / (t600k - t60k). Wall time
# is what the targets are about; CPU time (user + sys of the whole process) is printed beside it, since on a shared
# machine the tools do not get the same share of the cores.
# Prints the table and writes the section `scoring` of RESULTS_JSON (other sections are kept).
#   bench/scoring.sh DATA_DIR RESULTS_JSON [REPEATS]
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
DATA_DIR=$1 OUT=$2 REPEATS=${3:-3}
WORK=target/bench-scoring
mkdir -p "$WORK"
CORES=2

# ONNX Runtime is a test-scope dependency: its own class path and classes.
mvn -q -B dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-test-classpath.txt >&2
mkdir -p target/bench-onnx-classes
javac -d target/bench-onnx-classes -cp "$(cat target/bench-test-classpath.txt)" \
  src/bench/onnx/dev/sparkmnist/bench/OnnxScoring.java
CP="target/classes:$(cat target/bench-classpath.txt)"
mapfile -t JAVA_OPTS < <(grep -v '^#' conf/java-options)
./submit.sh predict --help >/dev/null 2>&1 || true   # builds the application jar now, not inside a timed run

# Models and the 600k set, made once.
for h in 512 800; do
  if [[ ! -f "$WORK/m$h/model.json" ]]; then
    ./submit.sh train --data-dir "$DATA_DIR" --hidden "$h" --out "$WORK/m$h" > "$WORK/train-$h.log" 2>&1
  fi
  if [[ ! -f "$WORK/m$h.onnx" ]]; then
    ./submit.sh export --model "$WORK/m$h" --out "$WORK/m$h.onnx" --precision float > /dev/null 2>&1
  fi
done
GEN=target/bench-data/mnist-600000
if [[ ! -f "$GEN/train-labels-idx1-ubyte" && ! -f "$GEN/train-labels-idx1-ubyte.gz" ]]; then
  ./submit.sh generate --data-dir "$DATA_DIR" --out "$GEN" --count 600000 --seed 1 >&2
fi
images() { # SET -> images file
  case $1 in
    10000) echo "$DATA_DIR/t10k-images-idx3-ubyte.gz" ;;
    60000) echo "$DATA_DIR/train-images-idx3-ubyte.gz" ;;
    600000) ls "$GEN"/train-images-idx3-ubyte* | head -1 ;;
  esac
}
labels() { local f; f=$(images "$1"); f=${f/images-idx3/labels-idx1}; echo "$f"; }

RUNS="$WORK/runs.tsv"
: > "$RUNS"
timed() { # TOOL MODEL SET COMMAND... : appends "tool model set wall-seconds cpu-seconds accuracy" to RUNS
  local tool=$1 h=$2 n=$3; shift 3
  local log="$WORK/last-$tool.log" times="$WORK/last-time.txt" TIMEFORMAT='%R %U %S'
  { time "$@" > "$log" 2>&1; } 2> "$times" \
    || { echo "bench: $tool $h $n failed, see $log" >&2; tail -5 "$log" >&2; exit 1; }
  read -r real user sys < "$times"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$h" "$n" "$real" \
    "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.3f", u + s }')" \
    "$(grep -Eo 'accuracy[^,}]*' "$log" | tail -1 | tr '\t' ' ')" | tee -a "$RUNS" >&2
}
for ((r = 1; r <= REPEATS; r++)); do
  for h in 512 800; do
    for n in 10000 60000 600000; do
      img=$(images $n) lab=$(labels $n)
      timed predict $h $n ./submit.sh predict --model "$WORK/m$h" --images "$img" --labels "$lab" \
        --out "$WORK/predict-out" --format parquet
      timed transform $h $n java -Xmx6g "${JAVA_OPTS[@]}" -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
        -cp "target/bench-classes:$CP" dev.sparkmnist.bench.TransformScoring "$WORK/m$h" "$img" "$lab" \
        "$WORK/transform-out"
      timed onnxruntime $h $n java -Xmx6g -cp "target/bench-onnx-classes:$(cat target/bench-test-classpath.txt)" \
        dev.sparkmnist.bench.OnnxScoring "$WORK/m$h.onnx" "$img" "$lab" "$CORES"
    done
  done
done
python3 "$ROOT/bench/scoring_summary.py" "$RUNS" "$OUT" "$REPEATS"
