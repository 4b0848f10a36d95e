#!/usr/bin/env bash
# Runs a spark-mnist command. With a Spark installation (SPARK_HOME, or spark-submit on the PATH) it calls
# spark-submit; without one it runs the same main class with plain `java` on the Spark jars Maven resolved. Both
# branches give the driver and the executors the same settings: conf/spark-defaults.conf plus any --conf, driver
# memory (SPARK_MNIST_DRIVER_MEMORY, default 6g), the JVM options of spark.{driver,executor}.extraJavaOptions,
# conf/log4j2.properties, HADOOP_CONF_DIR/YARN_CONF_DIR on the driver's class path, and on a spark:// master the
# secret and loopback address of a cluster started by cluster/start-cluster.sh. One line on stderr says which
# branch ran.
#   ./submit.sh [--master URL] [--conf KEY=VALUE]... COMMAND [OPTIONS]
#   ./submit.sh train --data-dir DIR ...     ./submit.sh --master spark://127.0.0.1:7077 train ...
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAIN=dev.sparkmnist.cli.Main
VERSION=0.1.0
APP_JAR="${SPARK_MNIST_APP_JAR:-$ROOT/target/spark-mnist-$VERSION-app.jar}"
DEFAULTS="$ROOT/conf/spark-defaults.conf"
DRIVER_MEMORY="${SPARK_MNIST_DRIVER_MEMORY:-6g}"

MASTER=""
CONFS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --master) [[ $# -ge 2 ]] || { echo "submit.sh: --master needs a URL" >&2; exit 2; }; MASTER="$2"; shift 2 ;;
    --master=*) MASTER="${1#--master=}"; shift ;;
    --conf) [[ $# -ge 2 ]] || { echo "submit.sh: --conf needs KEY=VALUE" >&2; exit 2; }; CONFS+=("$2"); shift 2 ;;
    --conf=*) CONFS+=("${1#--conf=}"); shift ;;
    *) break ;;
  esac
done
for kv in "${CONFS[@]+"${CONFS[@]}"}"; do
  if [[ "$kv" != spark.*=* ]]; then
    echo "submit.sh: --conf '$kv': expected spark.KEY=VALUE" >&2
    exit 2
  fi
done

export OPENBLAS_NUM_THREADS=1
export SPARK_SCALA_VERSION=2.13
# A local run listens on loopback only (and Spark stops warning about the host name).
if [[ -z "$MASTER" || "$MASTER" == local* ]]; then
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
fi
export SPARK_MNIST_CONF="${SPARK_MNIST_CONF:-$ROOT/conf/spark-mnist.properties}"

# Build the application jar when it is missing or older than any source or the pom.
if [[ ! -f "$APP_JAR" || -n "$(find "$ROOT/src/main" "$ROOT/pom.xml" -newer "$APP_JAR" -print -quit 2>/dev/null)" ]]; then
  echo "submit.sh: building $APP_JAR ..." >&2
  (cd "$ROOT" && mvn -q -B -DskipTests package) >&2
fi

# A cluster started by cluster/start-cluster.sh requires its secret (spark.authenticate): a Java @argfile readable
# only by its owner, so the secret never appears on a command line. It also binds the driver to 127.0.0.1.
AUTH_ARGS=""
if [[ "$MASTER" == spark://* && "${SPARK_MNIST_CLUSTER_AUTH:-on}" != off ]]; then
  CLUSTER_STATE="${SPARK_MNIST_CLUSTER_DIR:-$ROOT/target/cluster}"
  AUTH_ARGS="$CLUSTER_STATE/driver-auth.args"
  if [[ ! -r "$AUTH_ARGS" ]]; then
    echo "submit.sh: no cluster secret at $AUTH_ARGS: set SPARK_MNIST_CLUSTER_DIR to the directory" \
         "cluster/start-cluster.sh used (its default is target/cluster), or SPARK_MNIST_CLUSTER_AUTH=off for a" \
         "cluster without authentication" >&2
    exit 2
  fi
  # That cluster listens on loopback only; so does the driver, its web UI included.
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
fi

# JVM options from the conf file. The native-BLAS library name only where OpenBLAS is installed: elsewhere netlib
# would print a dlopen failure before falling back to its Java BLAS.
HAVE_OPENBLAS=""
for lib in /usr/lib/x86_64-linux-gnu/libopenblas.so.0 /usr/lib/aarch64-linux-gnu/libopenblas.so.0 /usr/lib64/libopenblas.so.0; do
  [[ -e "$lib" ]] && HAVE_OPENBLAS=1 && break
done
java_options() { # spark.{driver,executor}.extraJavaOptions of the conf file (or --conf), adjusted
  local key=$1 value kv
  value=$(awk -v k="$key" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "$DEFAULTS")
  for kv in "${CONFS[@]+"${CONFS[@]}"}"; do
    [[ "$kv" == "$key="* ]] && value="${kv#*=}"
  done
  [[ -z "$HAVE_OPENBLAS" ]] && value=$(sed -E 's/ ?-Ddev\.ludovic\.netlib\.blas\.nativeLib=[^ ]*//' <<< "$value")
  echo "$value -Dlog4j.configurationFile=$ROOT/conf/log4j2.properties"
}
DRIVER_OPTS="$(java_options spark.driver.extraJavaOptions) -Dsparkmnist.conf=$SPARK_MNIST_CONF"
EXECUTOR_OPTS="$(java_options spark.executor.extraJavaOptions)"

# The Hadoop client configuration (core-site.xml, hdfs-site.xml), as spark-submit puts it on the class path.
HADOOP_CP=""
for dir in "${HADOOP_CONF_DIR:-}" "${YARN_CONF_DIR:-}"; do
  [[ -n "$dir" && -d "$dir" ]] && HADOOP_CP="$HADOOP_CP$dir:"
done

SPARK_SUBMIT=""
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  SPARK_SUBMIT="$SPARK_HOME/bin/spark-submit"
elif command -v spark-submit >/dev/null 2>&1; then
  SPARK_SUBMIT=$(command -v spark-submit)
fi

if [[ -n "$SPARK_SUBMIT" ]]; then
  echo "submit.sh: spark-submit branch ($SPARK_SUBMIT), master ${MASTER:-local[*]}, driver memory $DRIVER_MEMORY" >&2
  SUBMIT_CONFS=(--conf "spark.executor.extraJavaOptions=$EXECUTOR_OPTS"
                --conf "spark.executorEnv.SPARK_SCALA_VERSION=2.13")
  for kv in "${CONFS[@]+"${CONFS[@]}"}"; do
    case "$kv" in
      spark.driver.extraJavaOptions=*|spark.executor.extraJavaOptions=*) ;;  # merged above
      *) SUBMIT_CONFS+=(--conf "$kv") ;;
    esac
  done
  # The launcher adds SPARK_SUBMIT_OPTS to the driver's java command, where the @argfile is expanded.
  [[ -n "$AUTH_ARGS" ]] && export SPARK_SUBMIT_OPTS="${SPARK_SUBMIT_OPTS:-} @$AUTH_ARGS"
  exec "$SPARK_SUBMIT" ${MASTER:+--master "$MASTER"} --class "$MAIN" \
    --properties-file "$DEFAULTS" --driver-memory "$DRIVER_MEMORY" \
    --driver-java-options "$DRIVER_OPTS" "${SUBMIT_CONFS[@]}" \
    "$APP_JAR" "$@"
fi

echo "submit.sh: plain java branch (no SPARK_HOME/bin/spark-submit, no spark-submit on the PATH), master" \
     "${MASTER:-local[*]}, driver memory $DRIVER_MEMORY" >&2
CP_FILE="$ROOT/target/classpath.txt"
if [[ ! -f "$CP_FILE" || "$ROOT/pom.xml" -nt "$CP_FILE" ]]; then
  (cd "$ROOT" && mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$CP_FILE") >&2
fi
# What spark-submit would set as system properties: the conf file, then --conf (which wins).
SPARK_PROPS=()
while read -r key value; do
  [[ -z "$key" || "$key" == \#* ]] && continue
  SPARK_PROPS+=("-D$key=$value")
done < "$DEFAULTS"
for kv in "${CONFS[@]+"${CONFS[@]}"}"; do
  SPARK_PROPS+=("-D$kv")
done
SPARK_PROPS+=("-Dspark.executor.extraJavaOptions=$EXECUTOR_OPTS" "-Dspark.driver.extraJavaOptions=$DRIVER_OPTS"
              "-Dspark.executorEnv.SPARK_SCALA_VERSION=2.13")
[[ -n "$MASTER" ]] && SPARK_PROPS+=("-Dspark.master=$MASTER")
# Executors on a real cluster need the application's classes.
[[ -n "$MASTER" && "$MASTER" != local* ]] && SPARK_PROPS+=("-Dspark.jars=$APP_JAR")
mapfile -t JAVA_OPTS < <(grep -v '^#' "$ROOT/conf/java-options")
read -r -a DRIVER_OPT_WORDS <<< "$DRIVER_OPTS"
[[ -n "$AUTH_ARGS" ]] && JAVA_OPTS+=("@$AUTH_ARGS")
exec java -Xmx"$DRIVER_MEMORY" "${JAVA_OPTS[@]}" "${DRIVER_OPT_WORDS[@]}" \
  "${SPARK_PROPS[@]}" \
  -cp "$APP_JAR:$HADOOP_CP$(cat "$CP_FILE")" "$MAIN" "$@"
