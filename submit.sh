#!/usr/bin/env bash
# Runs a spark-mnist command. With a Spark installation (SPARK_HOME, or spark-submit on the PATH) it calls
# spark-submit; without one it runs the same main class with plain `java` on the Spark jars Maven resolved. Both
# branches give the driver and the executors the same settings: conf/spark-defaults.conf plus any --conf, driver
# memory (--driver-memory or SPARK_MNIST_DRIVER_MEMORY; default 6g, 2g in cluster deploy mode), the JVM options of
# spark.{driver,executor}.extraJavaOptions, conf/log4j2.properties, HADOOP_CONF_DIR/YARN_CONF_DIR on the driver's
# class path, and on a spark:// master the secret and loopback address of a cluster started by
# cluster/start-cluster.sh. The spark-submit options users type by habit are passed on (the plain java branch
# turns them into the same spark.* settings). In cluster deploy mode (spark-submit branch, YARN) the driver's
# settings files travel with the application (--files), never as paths of the submitting host. One line on stderr
# says which branch ran.
#   ./submit.sh [SPARK-SUBMIT OPTIONS] COMMAND [OPTIONS]
#   ./submit.sh train --data-dir DIR ...     ./submit.sh --master spark://127.0.0.1:7077 train ...
#   ./submit.sh --master yarn --deploy-mode cluster --queue batch --num-executors 4 train --data-dir hdfs:///...
# SPARK-SUBMIT OPTIONS: --master URL, --deploy-mode client|cluster, --conf KEY=VALUE (repeatable), --queue Q,
# --num-executors N, --executor-memory M, --executor-cores N, --driver-memory M, --files F[,F], --jars J[,J],
# --properties-file FILE (its spark.* keys, under --conf), --name NAME; each also as --option=value.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAIN=dev.sparkmnist.cli.Main
VERSION=0.1.0
APP_JAR="${SPARK_MNIST_APP_JAR:-$ROOT/target/spark-mnist-$VERSION-app.jar}"
DEFAULTS="$ROOT/conf/spark-defaults.conf"
PASSED_ON="--master --deploy-mode --conf --queue --num-executors --executor-memory --executor-cores --driver-memory
  --files --jars --properties-file --name"

MASTER=""
DEPLOY_MODE=""
DRIVER_MEMORY=""
FILES=""
JARS=""
USER_PROPERTIES=""
CONFS=()
OPTION_CONFS=()
take() { # OPTION VALUE: one spark-submit option before the command
  case "$1" in
    --master) MASTER="$2" ;;
    --deploy-mode) DEPLOY_MODE="$2" ;;
    --conf) CONFS+=("$2") ;;
    --driver-memory) DRIVER_MEMORY="$2" ;;
    --files) FILES="${FILES:+$FILES,}$2" ;;
    --jars) JARS="${JARS:+$JARS,}$2" ;;
    --properties-file) USER_PROPERTIES="$2" ;;
    --queue) OPTION_CONFS+=("spark.yarn.queue=$2") ;;
    --num-executors) OPTION_CONFS+=("spark.executor.instances=$2") ;;
    --executor-memory) OPTION_CONFS+=("spark.executor.memory=$2") ;;
    --executor-cores) OPTION_CONFS+=("spark.executor.cores=$2") ;;
    --name) OPTION_CONFS+=("spark.app.name=$2") ;;
  esac
}
while [[ $# -gt 0 ]]; do
  option="${1%%=*}"
  if [[ " $(echo $PASSED_ON) " == *" $option "* ]]; then
    if [[ "$1" == *=* ]]; then
      take "$option" "${1#*=}"; shift
    else
      [[ $# -ge 2 ]] || { echo "submit.sh: $1 needs a value" >&2; exit 2; }
      take "$1" "$2"; shift 2
    fi
  elif [[ "$1" == -* && "$1" != -h && "$1" != --help && "$1" != -V && "$1" != --version ]]; then
    echo "submit.sh: unknown option '$1' before the command; the spark-submit options it passes on are:" \
         $PASSED_ON "(the command's own options go after the command)" >&2
    exit 2
  else
    break
  fi
done
case "$DEPLOY_MODE" in
  ""|client|cluster) ;;
  *) echo "submit.sh: --deploy-mode '$DEPLOY_MODE': expected client or cluster" >&2; exit 2 ;;
esac
# A --properties-file's spark.* settings, beneath the --conf ones (spark-submit takes a single properties file, and
# conf/spark-defaults.conf is already that one).
if [[ -n "$USER_PROPERTIES" ]]; then
  [[ -r "$USER_PROPERTIES" ]] || { echo "submit.sh: --properties-file $USER_PROPERTIES: no such file" >&2; exit 2; }
  FILE_CONFS=()
  while IFS= read -r line || [[ -n "$line" ]]; do
    if [[ "$line" =~ ^[[:space:]]*(spark\.[^[:space:]=:]+)[[:space:]]*[=:[:space:]][[:space:]]*(.*[^[:space:]])?[[:space:]]*$ ]]; then
      FILE_CONFS+=("${BASH_REMATCH[1]}=${BASH_REMATCH[2]}")
    fi
  done < "$USER_PROPERTIES"
  CONFS=("${FILE_CONFS[@]+"${FILE_CONFS[@]}"}" "${CONFS[@]+"${CONFS[@]}"}")
fi
# The named options (--queue, --num-executors...) win over --conf, as in spark-submit.
CONFS+=("${OPTION_CONFS[@]+"${OPTION_CONFS[@]}"}")
for kv in "${CONFS[@]+"${CONFS[@]}"}"; do
  if [[ "$kv" != spark.*=* ]]; then
    echo "submit.sh: --conf '$kv': expected spark.KEY=VALUE" >&2
    exit 2
  fi
done
# In cluster deploy mode the driver is a YARN container (the ApplicationMaster) holding the driver memory plus
# 10% overhead: 6g would ask for 6.7 GB, more than many clusters allow one container. The driver holds the
# weights and the task results, not the data.
CLUSTER_MODE=""
[[ "$DEPLOY_MODE" == cluster ]] && CLUSTER_MODE=1
DRIVER_MEMORY="${DRIVER_MEMORY:-${SPARK_MNIST_DRIVER_MEMORY:-$([[ -n "$CLUSTER_MODE" ]] && echo 2g || echo 6g)}}"
ON_YARN=""
[[ "$MASTER" == yarn* ]] && ON_YARN=1
# In YARN cluster mode a failed driver would be started again (yarn.resourcemanager.am.max-attempts, 2 by default):
# a second training run after bad input, a refused gate or a busy registry, and the outcome hidden. One attempt
# unless --conf spark.yarn.maxAppAttempts says otherwise (then a lost driver resumes from its checkpoint).
if [[ -n "$CLUSTER_MODE" && " ${CONFS[*]+"${CONFS[*]}"}" != *" spark.yarn.maxAppAttempts="* ]]; then
  CONFS+=("spark.yarn.maxAppAttempts=1")
fi

SPARK_SUBMIT=""
if [[ -n "${SPARK_HOME:-}" && -x "$SPARK_HOME/bin/spark-submit" ]]; then
  SPARK_SUBMIT="$SPARK_HOME/bin/spark-submit"
elif command -v spark-submit >/dev/null 2>&1; then
  SPARK_SUBMIT=$(command -v spark-submit)
fi
if [[ -n "$CLUSTER_MODE" && -z "$SPARK_SUBMIT" ]]; then
  echo "submit.sh: --deploy-mode cluster needs spark-submit (set SPARK_HOME to a Spark installation): the plain" \
       "java branch runs the driver here" >&2
  exit 2
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
  echo "$value${2:+ -Dlog4j.configurationFile=$2}"
}
# On YARN the executors (and in cluster mode the driver) run on other hosts, in a container whose working directory
# holds what --files shipped: there the settings files are named relative to it.
LOG4J="$ROOT/conf/log4j2.properties"
if [[ -n "$ON_YARN" ]]; then
  FILES="${FILES:+$FILES,}$LOG4J#log4j2.properties"
  EXECUTOR_OPTS="$(java_options spark.executor.extraJavaOptions log4j2.properties)"
else
  EXECUTOR_OPTS="$(java_options spark.executor.extraJavaOptions "$LOG4J")"
fi
if [[ -n "$CLUSTER_MODE" && -z "$ON_YARN" ]]; then
  # Cluster mode elsewhere (spark://, k8s://): no way to ship the files to the driver here, and no path of this
  # host is valid there, so the driver uses the built-in defaults and Spark's log configuration.
  DRIVER_OPTS="$(java_options spark.driver.extraJavaOptions "")"
elif [[ -n "$CLUSTER_MODE" ]]; then
  if [[ -f "$SPARK_MNIST_CONF" ]]; then
    FILES="$FILES,$SPARK_MNIST_CONF#spark-mnist.properties"
    SOURCES="$(dirname "$SPARK_MNIST_CONF")/mnist-sources.properties"
    [[ -f "$SOURCES" ]] || SOURCES="$ROOT/conf/mnist-sources.properties"
    [[ -f "$SOURCES" ]] && FILES="$FILES,$SOURCES#mnist-sources.properties"
    DRIVER_OPTS="$(java_options spark.driver.extraJavaOptions log4j2.properties)"
    DRIVER_OPTS="$DRIVER_OPTS -Dsparkmnist.conf=spark-mnist.properties"
  else
    DRIVER_OPTS="$(java_options spark.driver.extraJavaOptions log4j2.properties)"
  fi
else
  DRIVER_OPTS="$(java_options spark.driver.extraJavaOptions "$LOG4J") -Dsparkmnist.conf=$SPARK_MNIST_CONF"
fi

# The Hadoop client configuration (core-site.xml, hdfs-site.xml), as spark-submit puts it on the class path.
HADOOP_CP=""
for dir in "${HADOOP_CONF_DIR:-}" "${YARN_CONF_DIR:-}"; do
  [[ -n "$dir" && -d "$dir" ]] && HADOOP_CP="$HADOOP_CP$dir:"
done


if [[ -n "$SPARK_SUBMIT" ]]; then
  FIT=" (a YARN container with 10% overhead: if the cluster refuses it, set --driver-memory to fit"
  FIT="$FIT yarn.scheduler.maximum-allocation-mb)"
  echo "submit.sh: spark-submit branch ($SPARK_SUBMIT), master ${MASTER:-local[*]}, deploy mode" \
       "${DEPLOY_MODE:-client}, driver memory $DRIVER_MEMORY${CLUSTER_MODE:+$FIT}" >&2
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
  exec "$SPARK_SUBMIT" ${MASTER:+--master "$MASTER"} ${DEPLOY_MODE:+--deploy-mode "$DEPLOY_MODE"} --class "$MAIN" \
    --properties-file "$DEFAULTS" --driver-memory "$DRIVER_MEMORY" \
    --driver-java-options "$DRIVER_OPTS" "${SUBMIT_CONFS[@]}" ${FILES:+--files "$FILES"} ${JARS:+--jars "$JARS"} \
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
[[ -n "$DEPLOY_MODE" ]] && SPARK_PROPS+=("-Dspark.submit.deployMode=$DEPLOY_MODE")
# spark-submit's --files: on YARN distributed by YARN (which honours #name), elsewhere by the driver.
[[ -n "$FILES" ]] && SPARK_PROPS+=("-Dspark.${ON_YARN:+yarn.dist.}files=$FILES")
# Executors on a real cluster need the application's classes.
[[ -n "$MASTER" && "$MASTER" != local* ]] && JARS="$APP_JAR${JARS:+,$JARS}"
[[ -n "$JARS" ]] && SPARK_PROPS+=("-Dspark.jars=$JARS")
mapfile -t JAVA_OPTS < <(grep -v '^#' "$ROOT/conf/java-options")
read -r -a DRIVER_OPT_WORDS <<< "$DRIVER_OPTS"
[[ -n "$AUTH_ARGS" ]] && JAVA_OPTS+=("@$AUTH_ARGS")
exec java -Xmx"$DRIVER_MEMORY" "${JAVA_OPTS[@]}" "${DRIVER_OPT_WORDS[@]}" \
  "${SPARK_PROPS[@]}" \
  -cp "$APP_JAR:$HADOOP_CP$(cat "$CP_FILE")" "$MAIN" "$@"
