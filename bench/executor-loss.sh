#!/usr/bin/env bash
# Per-round time before and after losing an executor, on the project's standalone cluster (master + 2 one-core
# workers from cluster/start-cluster.sh): trains on MNIST (784-256-10, batch 1,024, LOCAL_STEPS local steps per
# round: rounds well under the 3 s locality wait), kills one executor with kill -9 at iteration KILL_AT, and prints
# CacheRebalancer's "round time, median" line, for three settings:
#   rebalance   the default: the replacement executor gets its share of the cached blocks back
#   off         spark.sparkmnist.rebalanceCache=false (the behaviour before issue 19)
#   wait0       rebalancing off, spark.locality.wait=0 (tasks go to any free executor at once)
#   bench/executor-loss.sh [DATA_DIR]      (default ../shared/data/mnist; results in target/executor-loss/)
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DATA=$(cd "${1:-$ROOT/../shared/data/mnist}" && pwd)
OUT="$ROOT/target/executor-loss"
ITERATIONS=${ITERATIONS:-240}
LOCAL_STEPS=${LOCAL_STEPS:-2}
KILL_AT=${KILL_AT:-64}
export SPARK_MNIST_CLUSTER_DIR="$OUT/cluster" SPARK_MNIST_WORKERS=2 SPARK_MNIST_WORKER_CORES=1
export SPARK_MNIST_WORKER_MEMORY=2g SPARK_MNIST_DRIVER_MEMORY=2g SPARK_MNIST_MASTER_PORT=${PORT:-7177}
mkdir -p "$OUT"
"$ROOT/cluster/start-cluster.sh" >&2
trap '"$ROOT/cluster/stop-cluster.sh" >&2' EXIT
MASTER="spark://127.0.0.1:$SPARK_MNIST_MASTER_PORT"

run() { # name extra-submit-options...
  local name=$1; shift
  local log="$OUT/$name.log"
  "$ROOT/submit.sh" --master "$MASTER" "$@" train --data-dir "$DATA" --out "$OUT/model-$name" --offline \
    --hidden 256 --batch-size 1024 --local-steps "$LOCAL_STEPS" --iterations "$ITERATIONS" --partitions 2 \
    --log-every "$LOCAL_STEPS" \
    > "$log" 2>&1 &
  local driver=$!
  until [[ "$(grep -oE "iteration [0-9,]+/" "$log" 2>/dev/null | tail -1 | tr -dc 0-9)" -ge "$KILL_AT" ]]; do
    kill -0 "$driver" 2>/dev/null || { echo "$name: driver ended early; see $log" >&2; return 1; }
    sleep 0.2
  done
  local victim
  victim=$(pgrep -P "$(cat "$SPARK_MNIST_CLUSTER_DIR/worker-1.pid")" -f CoarseGrainedExecutorBackend | head -1)
  kill -9 "$victim"
  wait "$driver"
  echo "$name: $(grep -h "round time, median" "$log" | sed 's/.*CacheRebalancer: //'); $(grep -h "training took" "$log" | sed 's/.*TrainingJob: //')"
}

run rebalance
run off --conf spark.sparkmnist.rebalanceCache=false
run wait0 --conf spark.sparkmnist.rebalanceCache=false --conf spark.locality.wait=0
