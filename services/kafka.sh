#!/usr/bin/env bash
# Kafka for RDG tests and benchmarks: one KRaft node (broker + controller) run
# straight from the Maven Central jars (org.apache.kafka:kafka_2.13 + kafka-tools).
#
#   services/kafka.sh start       client listener 127.0.0.1:19092, controller 127.0.0.1:19093
#   services/kafka.sh stop
#   services/kafka.sh status      exit 0 iff running and answering a Kafka request
#   services/kafka.sh logs        print log file paths
#   services/kafka.sh reset       stop and delete all Kafka data (keeps the jars)
#   services/kafka.sh run-class CLASS ARGS...   run a Kafka tool main class with the
#       resolved classpath, e.g.  run-class org.apache.kafka.tools.TopicCommand \
#       --bootstrap-server 127.0.0.1:19092 --list
#
# Env: KAFKA_VERSION (default below), KAFKA_HEAP (default -Xmx512m -Xms512m),
#      KAFKA_START_TIMEOUT (seconds, default 120).
set -euo pipefail
SVC_NAME=kafka
# shellcheck source-path=SCRIPTDIR source=_lib.sh
source "$(dirname "$0")/_lib.sh"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
# Kafka's own jars only bring the log4j2 API + core; this is the slf4j binding
# the Kafka distribution ships in libs/ (same log4j2 version as kafka-server).
LOG4J_VERSION="${KAFKA_LOG4J_VERSION:-2.25.5}"
PORT=19092
CONTROLLER_PORT=19093
BASE="$STATE_ROOT/kafka"
LIB="$BASE/lib"
CONF="$BASE/conf"
DATA="$BASE/data"
LOGS="$BASE/logs"
PIDFILE="$BASE/kafka.pid"
OUT="$LOGS/kafka.out"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
HEAP="${KAFKA_HEAP:--Xmx512m -Xms512m}"

resolve() {
  mvn_resolve "$LIB" "kafka_2.13-$KAFKA_VERSION+tools+log4j-$LOG4J_VERSION" \
    "org.apache.kafka:kafka_2.13:$KAFKA_VERSION" \
    "org.apache.kafka:kafka-tools:$KAFKA_VERSION" \
    "org.apache.logging.log4j:log4j-slf4j-impl:$LOG4J_VERSION"
}

write_config() {
  mkdir -p "$CONF" "$DATA" "$LOGS"
  cat >"$CONF/server.properties" <<EOF
# Written by services/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA
num.partitions=4
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
delete.topic.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=4
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=24
log.segment.bytes=67108864
log.retention.check.interval.ms=60000
EOF
  cat >"$CONF/log4j2.properties" <<EOF
# Written by services/kafka.sh.
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = $LOGS/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.apache.name = org.apache.kafka
logger.apache.level = INFO
EOF
  cat >"$CONF/tools-log4j2.properties" <<EOF
# Written by services/kafka.sh: command-line tools log warnings to stderr.
status = warn
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
EOF
}

# run_tool CLASS ARGS...: a short-lived JVM with the Kafka classpath.
run_tool() {
  local cls="$1"; shift
  "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="file:$CONF/tools-log4j2.properties" \
    -cp "$(classpath_of "$LIB")" "$cls" "$@"
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then return 0; fi
  if [[ ! -s "$BASE/cluster.id" ]]; then
    run_tool kafka.tools.StorageTool random-uuid >"$BASE/cluster.id.tmp" 2>"$LOGS/format.log" ||
      die "kafka.tools.StorageTool random-uuid failed, see $LOGS/format.log"
    tr -d '[:space:]' <"$BASE/cluster.id.tmp" >"$BASE/cluster.id"
    rm -f "$BASE/cluster.id.tmp"
  fi
  log "formatting KRaft storage (first start), cluster id $(cat "$BASE/cluster.id")"
  run_tool kafka.tools.StorageTool format -t "$(cat "$BASE/cluster.id")" \
    -c "$CONF/server.properties" >>"$LOGS/format.log" 2>&1 ||
    die "kafka.tools.StorageTool format failed, see $LOGS/format.log"
}

# A real Kafka request without a JVM: ApiVersions v0 (api_key 18) over
# /dev/tcp; a broker answers with its correlation id and error_code 0.
api_versions_ok() {
  local reply
  reply="$(timeout 3 bash -c '
    exec 3<>/dev/tcp/127.0.0.1/'"$PORT"' || exit 1
    # size=12 | api_key=18 | api_version=0 | correlation_id=0x2a2a2a2a | client_id="rdg"(3)
    printf "\x00\x00\x00\x0d\x00\x12\x00\x00\x2a\x2a\x2a\x2a\x00\x03rdg" >&3
    head -c 10 <&3 | od -An -tx1 | tr -d " \n"' 2>/dev/null)" || return 1
  # bytes 4-7: correlation id, bytes 8-9: error code
  [[ "${reply:8:8}" == 2a2a2a2a && "${reply:16:4}" == 0000 ]]
}

running_pid() { pid_from_file "$PIDFILE" "$BASE"; }

is_up() { running_pid >/dev/null && api_versions_ok; }

start() {
  if running_pid >/dev/null; then
    if is_up; then
      log "already running (pid $(running_pid)), 127.0.0.1:$PORT"
      return 0
    fi
    die "process $(running_pid) is alive but 127.0.0.1:$PORT does not answer; see $LOGS/server.log and $OUT, or run: $0 stop"
  fi
  local p
  for p in "$PORT" "$CONTROLLER_PORT"; do
    port_open 127.0.0.1 "$p" && die "port $p is already used by another process (ss -ltnp | grep :$p)"
  done
  find_java
  local t0
  t0=$(now_s)
  resolve
  write_config
  format_storage
  echo "=== $(date -Is) start" >>"$OUT"
  # JVM flags follow Kafka's bin/kafka-run-class.sh + kafka-server-start.sh defaults.
  # shellcheck disable=SC2086
  spawn "$PIDFILE" "$OUT" "$JAVA" $HEAP \
    -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true \
    "-XX:ErrorFile=$LOGS/hs_err_pid%p.log" \
    -Dkafka.logs.dir="$LOGS" -Dlog4j2.configurationFile="file:$CONF/log4j2.properties" \
    -cp "$(classpath_of "$LIB")" kafka.Kafka "$CONF/server.properties"
  log "starting pid $(cat "$PIDFILE"), waiting for 127.0.0.1:$PORT (timeout ${START_TIMEOUT}s)..."
  until port_open 127.0.0.1 "$PORT" && api_versions_ok; do
    if ! running_pid >/dev/null; then
      tail -20 "$OUT" >&2 || true
      die "Kafka exited during startup; see $LOGS/server.log and $OUT"
    fi
    if (( $(now_s) - t0 >= START_TIMEOUT )); then
      die "Kafka did not answer on 127.0.0.1:$PORT within ${START_TIMEOUT}s (still running, pid $(cat "$PIDFILE"); stop it with: $0 stop); see $LOGS/server.log"
    fi
    sleep 0.5
  done
  # Metadata round trip with the real admin client.
  if ! run_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --list \
      >"$LOGS/ready-check.log" 2>&1; then
    die "Kafka answers on :$PORT but TopicCommand --list failed; see $LOGS/ready-check.log and $LOGS/server.log"
  fi
  log "started pid $(cat "$PIDFILE") in $(( $(now_s) - t0 ))s, bootstrap 127.0.0.1:$PORT, logs: $LOGS/server.log"
}

stop() { stop_pidfile "$PIDFILE" "kafka" "$BASE" 60; }

status() {
  local pid
  if pid="$(running_pid)"; then
    if api_versions_ok; then
      log "running, pid $pid, bootstrap 127.0.0.1:$PORT"
      return 0
    fi
    log "process $pid alive but NOT answering on 127.0.0.1:$PORT (starting up or stuck; see $LOGS/server.log)"
    return 1
  fi
  log "NOT running"
  return 1
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
}

mkdir -p "$BASE"
case "${1:-}" in start|stop|reset) lock_service ;; esac
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  logs) echo "$LOGS/server.log"; echo "$OUT" ;;
  reset) stop; rm -rf "$DATA" "$BASE/cluster.id" "$LOGS"; log "data deleted" ;;
  run-class)
    shift
    [[ $# -ge 1 ]] || usage
    find_java; resolve; [[ -f "$CONF/tools-log4j2.properties" ]] || write_config
    run_tool "$@" ;;
  *) usage ;;
esac
