#!/usr/bin/env bash
# Starts a standalone Spark cluster on this machine for users without a Spark distribution: one master and
# SPARK_MNIST_WORKERS workers (default 1), run with plain `java -cp` from the Spark jars Maven resolved
# (target/spark-home/jars). Everything binds to 127.0.0.1, the master's REST submission server is off and
# spark.authenticate is on with a secret generated here, kept in files only the owner can read.
#   cluster/start-cluster.sh            then   ./submit.sh --master spark://127.0.0.1:7077 train ...
#   cluster/stop-cluster.sh             stops exactly the processes this script started (pid files)
# Settings (environment): SPARK_MNIST_CLUSTER_DIR (state: pids, logs, secret; default target/cluster),
# SPARK_MNIST_MASTER_PORT (7077), SPARK_MNIST_WORKERS (1), SPARK_MNIST_WORKER_CORES (2),
# SPARK_MNIST_WORKER_MEMORY (4g).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${SPARK_MNIST_CLUSTER_DIR:-$ROOT/target/cluster}
PORT=${SPARK_MNIST_MASTER_PORT:-7077}
WORKERS=${SPARK_MNIST_WORKERS:-1}
CORES=${SPARK_MNIST_WORKER_CORES:-2}
MEMORY=${SPARK_MNIST_WORKER_MEMORY:-4g}
SPARK_HOME_DIR="$ROOT/target/spark-home"

if [[ -f "$STATE/master.pid" ]] && kill -0 "$(cat "$STATE/master.pid")" 2>/dev/null; then
  echo "start-cluster: a cluster started from $STATE is already running (pid $(cat "$STATE/master.pid"));" \
       "run cluster/stop-cluster.sh first" >&2
  exit 1
fi
if [[ ! -d "$SPARK_HOME_DIR/jars" ]]; then
  echo "start-cluster: collecting the Spark jars into $SPARK_HOME_DIR/jars ..." >&2
  (cd "$ROOT" && mvn -q -B dependency:copy-dependencies@spark-home) >&2
fi

mkdir -p "$STATE"
chmod 700 "$STATE"
umask 077
SECRET=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
# Read by the master and workers (--properties-file); never passed on a command line.
cat > "$STATE/spark-auth.conf" <<CONF
spark.authenticate              true
spark.authenticate.secret       $SECRET
spark.master.rest.enabled       false
CONF
# Java argument file for drivers (submit.sh passes it as @file, so the secret stays off the command line).
cat > "$STATE/driver-auth.args" <<ARGS
-Dspark.authenticate=true
-Dspark.authenticate.secret=$SECRET
-Dspark.driver.host=127.0.0.1
-Dspark.driver.bindAddress=127.0.0.1
ARGS
chmod 600 "$STATE/spark-auth.conf" "$STATE/driver-auth.args"

export SPARK_HOME="$SPARK_HOME_DIR" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 OPENBLAS_NUM_THREADS=1
mapfile -t JAVA_OPTS < <(grep -v '^#' "$ROOT/conf/java-options")
CP="$SPARK_HOME_DIR/jars/*"

launch() { # name class args...
  local name=$1; shift
  nohup java -Xmx512m "${JAVA_OPTS[@]}" -cp "$CP" "$@" > "$STATE/$name.log" 2>&1 < /dev/null &
  echo $! > "$STATE/$name.pid"
}

await_log() { # file pattern seconds what
  local i
  for ((i = 0; i < $3 * 5; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "start-cluster: $4 did not come up in $3 s; see $1" >&2
  "$ROOT/cluster/stop-cluster.sh" >&2 || true
  exit 1
}

launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port 0 \
  --properties-file "$STATE/spark-auth.conf"
await_log "$STATE/master.log" "I have been elected leader" 120 "the master"
for ((w = 1; w <= WORKERS; w++)); do
  mkdir -p "$STATE/work-$w"
  launch "worker-$w" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --webui-port 0 \
    --cores "$CORES" --memory "$MEMORY" --work-dir "$STATE/work-$w" \
    --properties-file "$STATE/spark-auth.conf" "spark://127.0.0.1:$PORT"
done
for ((w = 1; w <= WORKERS; w++)); do
  await_log "$STATE/worker-$w.log" "Successfully registered with master" 120 "worker $w"
done
echo "spark://127.0.0.1:$PORT" > "$STATE/master-url"
echo "cluster up: master spark://127.0.0.1:$PORT, $WORKERS worker(s) of $CORES cores / $MEMORY; state in $STATE"
echo "submit with: ./submit.sh --master spark://127.0.0.1:$PORT train ..."
