#!/usr/bin/env bash
# Stops the cluster that cluster/start-cluster.sh started: only the processes named in its pid files, and only
# if they still run the Spark master or worker (a pid reused by another program is left alone). The workers
# stop their executors as they shut down.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${SPARK_MNIST_CLUSTER_DIR:-$ROOT/target/cluster}

stop_one() { # pidfile expected-class
  local pid
  pid=$(cat "$1" 2>/dev/null) || return 0
  if [[ -n "$pid" ]] && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$2"; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "stop-cluster: $1 (pid $pid) ignored SIGTERM; killing it" >&2
      kill -9 "$pid" 2>/dev/null
    fi
    echo "stopped $(basename "$1" .pid) (pid $pid)"
  fi
  rm -f "$1"
}

shopt -s nullglob
for f in "$STATE"/worker-*.pid; do
  stop_one "$f" org.apache.spark.deploy.worker.Worker
done
[[ -f "$STATE/master.pid" ]] && stop_one "$STATE/master.pid" org.apache.spark.deploy.master.Master
rm -f "$STATE/master-url"
exit 0
