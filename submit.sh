#!/usr/bin/env bash
# Runs a spark-mnist command. With a Spark installation (SPARK_HOME, or spark-submit on the PATH) it calls
# spark-submit with conf/spark-defaults.conf; without one it runs the same main class on the Maven-resolved
# classpath in local[*] mode. The same options work either way:
#   ./submit.sh train [--preset notebook] [--data-dir DIR] ...      ./submit.sh --master spark://host:7077 train ...
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAIN=dev.sparkmnist.cli.Main
VERSION=0.1.0
APP_JAR="${SPARK_MNIST_APP_JAR:-$ROOT/target/spark-mnist-$VERSION-app.jar}"

MASTER=""
if [[ "${1:-}" == "--master" ]]; then
  MASTER="$2"; shift 2
fi

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

BLAS_OPT=""
for lib in /usr/lib/x86_64-linux-gnu/libopenblas.so.0 /usr/lib/aarch64-linux-gnu/libopenblas.so.0 /usr/lib64/libopenblas.so.0; do
  [[ -e "$lib" ]] && BLAS_OPT="-Ddev.ludovic.netlib.blas.nativeLib=libopenblas.so.0" && break
done

SPARK_SUBMIT=""
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  SPARK_SUBMIT="$SPARK_HOME/bin/spark-submit"
elif command -v spark-submit >/dev/null 2>&1; then
  SPARK_SUBMIT=$(command -v spark-submit)
fi

if [[ -n "$SPARK_SUBMIT" ]]; then
  # --driver-java-options replaces spark.driver.extraJavaOptions, so it starts from the conf file's value.
  DRIVER_OPTS=$(awk '$1 == "spark.driver.extraJavaOptions" { $1 = ""; sub(/^ +/, ""); print }' \
    "$ROOT/conf/spark-defaults.conf")
  exec "$SPARK_SUBMIT" ${MASTER:+--master "$MASTER"} --class "$MAIN" \
    --properties-file "$ROOT/conf/spark-defaults.conf" \
    --driver-java-options "$DRIVER_OPTS -Dlog4j.configurationFile=$ROOT/conf/log4j2.properties -Dsparkmnist.conf=$SPARK_MNIST_CONF" \
    --conf "spark.executorEnv.SPARK_SCALA_VERSION=2.13" \
    "$APP_JAR" "$@"
fi

# No Spark installation: run locally on the classpath Maven resolved (Spark included).
CP_FILE="$ROOT/target/classpath.txt"
if [[ ! -f "$CP_FILE" || "$ROOT/pom.xml" -nt "$CP_FILE" ]]; then
  (cd "$ROOT" && mvn -q -B dependency:build-classpath -Dmdep.includeScope=compile -Dmdep.outputFile="$CP_FILE") >&2
fi
SPARK_PROPS=()
while read -r key value; do
  [[ -z "$key" || "$key" == \#* ]] && continue
  case "$key" in
    spark.driver.extraJavaOptions|spark.executor.extraJavaOptions) ;;  # already applied below
    *) SPARK_PROPS+=("-D$key=$value") ;;
  esac
done < "$ROOT/conf/spark-defaults.conf"
[[ -n "$MASTER" ]] && SPARK_PROPS+=("-Dspark.master=$MASTER")
# Executors on a real cluster need the application's classes.
[[ -n "$MASTER" && "$MASTER" != local* ]] && SPARK_PROPS+=("-Dspark.jars=$APP_JAR")
# A cluster started by cluster/start-cluster.sh wants its authentication secret: a Java @argfile readable only by
# its owner, so the secret never appears on a command line.
CLUSTER_STATE="${SPARK_MNIST_CLUSTER_DIR:-$ROOT/target/cluster}"
[[ "$MASTER" == spark://* && -f "$CLUSTER_STATE/driver-auth.args" ]] && JAVA_OPTS_AUTH="@$CLUSTER_STATE/driver-auth.args"
mapfile -t JAVA_OPTS < <(grep -v '^#' "$ROOT/conf/java-options")
[[ -n "${JAVA_OPTS_AUTH:-}" ]] && JAVA_OPTS+=("$JAVA_OPTS_AUTH")
exec java -Xmx"${SPARK_MNIST_DRIVER_MEMORY:-6g}" "${JAVA_OPTS[@]}" $BLAS_OPT \
  -Dlog4j.configurationFile="$ROOT/conf/log4j2.properties" \
  "${SPARK_PROPS[@]}" \
  -cp "$APP_JAR:$(cat "$CP_FILE")" "$MAIN" "$@"
