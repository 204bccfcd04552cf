#!/usr/bin/env bash
# Cassandra for RDG tests and benchmarks, run straight from the Maven Central
# jars (org.apache.cassandra:cassandra-all) on Java 17.
#
#   services/cassandra.sh start              one node: CQL 127.0.0.1:19042
#   services/cassandra.sh start --nodes 3    three nodes on 127.0.0.1, 127.0.0.2, 127.0.0.3
#                                            (each CQL :19042), started one after another
#   services/cassandra.sh stop               stop whatever nodes run (either mode)
#   services/cassandra.sh status             exit 0 iff every node of the running mode answers CQL
#   services/cassandra.sh logs               print log file paths
#   services/cassandra.sh reset              stop and delete all Cassandra data (keeps the jars)
#   services/cassandra.sh nodetool ARGS...   e.g. nodetool status (talks JMX to node 1)
#   services/cassandra.sh cql "STATEMENT"... run CQL statements with the Java driver that
#                                            cassandra-all ships (services/CqlExec.java)
#
# Ports: native (CQL) 19042, storage (gossip) 17100, ssl storage 17101,
#        JMX 17199 (node 2: 17299, node 3: 17399; bound to 127.0.0.1).
# Env: CASSANDRA_VERSION (default below), CASSANDRA_HEAP (MB per node; default 1024 for
#      one node, 640 per node for 3 nodes), CASSANDRA_START_TIMEOUT (s per node, default 240).
set -euo pipefail
SVC_NAME=cassandra
# shellcheck source-path=SCRIPTDIR source=_lib.sh
source "$(dirname "$0")/_lib.sh"

CASSANDRA_VERSION="${CASSANDRA_VERSION:-5.0.9}"
NATIVE_PORT=19042
STORAGE_PORT=17100
SSL_STORAGE_PORT=17101
CLUSTER_NAME="rdg-test"
BASE="$STATE_ROOT/cassandra"
LIB="$BASE/lib"
START_TIMEOUT="${CASSANDRA_START_TIMEOUT:-240}"
# Single-node mode lives in $BASE/node1; the 3-node mode in $BASE/cluster3/node{1,2,3}
# (separate data, so switching modes never mixes gossip state).
SINGLE_NODES=("$BASE/node1")
CLUSTER_NODES=("$BASE/cluster3/node1" "$BASE/cluster3/node2" "$BASE/cluster3/node3")

# Murmur3 tokens that split the ring evenly for 1 or 3 nodes (num_tokens: 1).
TOKENS_3=(-9223372036854775808 -3074457345618258603 3074457345618258602)

# ---------------------------------------------------------------------------
# JVM flags. Our own copy of the static flags in Cassandra 5.0's
# conf/jvm-server.options and conf/jvm17-server.options (apache/cassandra,
# cassandra-5.0 branch), plus what bin/cassandra + conf/cassandra-env.sh add.
# Left out on purpose: -XX:+AlwaysPreTouch (slow start, pointless for a small
# test heap), -XX:G1HeapRegionSize=16m (too few regions for a <=1 GiB heap),
# -XX:CompileCommandFile (optional inlining hints), -Djava.library.path (sigar).
JVM_SERVER_OPTS=(
  # jvm-server.options: GENERAL JVM SETTINGS
  -ea
  -da:net.openhft...
  -XX:+UseThreadPriorities
  -XX:+HeapDumpOnOutOfMemoryError
  -Xss256k
  -XX:+UseTLAB
  -XX:+ResizeTLAB
  -XX:+UseNUMA
  -XX:+PerfDisableSharedMem
  -Djava.net.preferIPv4Stack=true
  # jvm17-server.options: G1 settings
  -XX:+UseG1GC
  -XX:+ParallelRefProcEnabled
  -XX:MaxTenuringThreshold=1
  -XX:G1RSetUpdatingPauseTimePercent=5
  -XX:MaxGCPauseMillis=300
  -XX:InitiatingHeapOccupancyPercent=70
)
# jvm17-server.options: JPMS (also needed by the nodetool / cql helpers)
JVM_JPMS_OPTS=(
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
)
JVM_SERVER_OPTS+=(
  "${JVM_JPMS_OPTS[@]}"
  # jvm17-server.options: Netty
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.allocator.useCacheForAllThreads=true
  -Dio.netty.allocator.maxOrder=11
  # cassandra-env.sh
  -XX:+CrashOnOutOfMemoryError
  -Dcassandra-foreground=yes
  # Test cluster: do not wait for gossip to settle at startup.
  -Dcassandra.skip_wait_for_gossip_to_settle=0
  # ...and wait at most 5 s (default 30 s) for peers in the shadow gossip round when
  # a node restarts while the other nodes it knows are still down (3-node mode).
  -Dcassandra.ring_delay_ms=5000
)

resolve() {
  mvn_resolve "$LIB" "cassandra-all-$CASSANDRA_VERSION" "org.apache.cassandra:cassandra-all:$CASSANDRA_VERSION"
}

node_ip() { # NODEDIR -> 127.0.0.N
  local n="${1##*node}"
  echo "127.0.0.$n"
}
node_jmx_port() { # NODEDIR
  local n="${1##*node}"
  echo $((17099 + 100 * n))
}
node_pidfile() { echo "$1/cassandra.pid"; }
node_log() { echo "$1/logs/system.log"; }

write_node_config() { # NODEDIR TOKEN
  local dir="$1" token="$2" ip
  ip="$(node_ip "$dir")"
  mkdir -p "$dir/conf" "$dir/data" "$dir/commitlog" "$dir/saved_caches" "$dir/hints" "$dir/cdc_raw" "$dir/logs"
  cat >"$dir/conf/cassandra.yaml" <<EOF
# Written by services/cassandra.sh on every start; edit the script, not this file.
cluster_name: '$CLUSTER_NAME'
num_tokens: 1
initial_token: '$token'
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
# Empty test cluster: every node joins with its initial_token, no streaming.
auto_bootstrap: false

authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
network_authorizer: AllowAllNetworkAuthorizer

data_file_directories:
  - $dir/data
commitlog_directory: $dir/commitlog
saved_caches_directory: $dir/saved_caches
hints_directory: $dir/hints
cdc_raw_directory: $dir/cdc_raw

commitlog_sync: periodic
commitlog_sync_period: 10000ms
commitlog_segment_size: 32MiB
disk_failure_policy: stop
commit_failure_policy: stop

seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:$STORAGE_PORT"

listen_address: $ip
rpc_address: $ip
storage_port: $STORAGE_PORT
ssl_storage_port: $SSL_STORAGE_PORT
start_native_transport: true
native_transport_port: $NATIVE_PORT
endpoint_snitch: SimpleSnitch

# Small machine (2 cores) and a small heap.
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 8
concurrent_materialized_view_writes: 4
concurrent_compactors: 1
memtable_allocation_type: heap_buffers
memtable_heap_space: 128MiB
memtable_offheap_space: 128MiB
key_cache_size: 16MiB
compaction_throughput: 64MiB/s
# Test cluster conveniences.
hinted_handoff_enabled: true
max_hint_window: 3h
read_request_timeout: 10000ms
write_request_timeout: 5000ms
request_timeout: 15000ms
# Restart of a 3-node test cluster: do not block 10 s waiting for peers that start later.
block_for_peers_timeout_in_secs: 2
EOF
  cat >"$dir/conf/logback.xml" <<EOF
<!-- Written by services/cassandra.sh. -->
<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>$dir/logs/system.log</file>
    <append>true</append>
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <logger name="org.apache.cassandra" level="INFO"/>
  <logger name="com.datastax" level="WARN"/>
  <logger name="io.netty" level="WARN"/>
  <root level="INFO">
    <appender-ref ref="FILE"/>
  </root>
</configuration>
EOF
}

# A real CQL request without a client: OPTIONS (opcode 0x05, protocol v4 framing);
# a ready node answers SUPPORTED (response version 0x84, opcode 0x06).
cql_options_ok() { # IP
  local reply
  reply="$(timeout 3 bash -c '
    exec 3<>/dev/tcp/'"$1"'/'"$NATIVE_PORT"' || exit 1
    printf "\x04\x00\x00\x01\x05\x00\x00\x00\x00" >&3
    head -c 5 <&3 | od -An -tx1 | tr -d " \n"' 2>/dev/null)" || return 1
  [[ "$reply" == 84??0001* && "${reply:8:2}" == 06 ]]
}

node_pid() { pid_from_file "$(node_pidfile "$1")" "$1/conf"; }

node_up() { # NODEDIR
  node_pid "$1" >/dev/null && cql_options_ok "$(node_ip "$1")"
}

start_node() { # NODEDIR TOKEN HEAP_MB
  local dir="$1" token="$2" heap="$3" ip jmx pidfile logf out t0
  ip="$(node_ip "$dir")"
  jmx="$(node_jmx_port "$dir")"
  pidfile="$(node_pidfile "$dir")"
  logf="$(node_log "$dir")"
  out="$dir/logs/cassandra.out"
  if node_pid "$dir" >/dev/null; then
    if node_up "$dir"; then
      log "node $ip already running (pid $(node_pid "$dir"))"
      return 0
    fi
    die "node $ip has a live process (pid $(node_pid "$dir")) that does not answer CQL; see $logf, or run: $0 stop"
  fi
  local p
  for p in "$ip:$NATIVE_PORT" "$ip:$STORAGE_PORT" "127.0.0.1:$jmx"; do
    port_open "${p%:*}" "${p##*:}" && die "$p is already in use by another process (ss -ltnp | grep ${p##*:})"
  done
  write_node_config "$dir" "$token"
  # Keep the previous run's log beside the new one; readiness is read from the new one.
  [[ -f "$logf" ]] && mv -f "$logf" "$logf.prev"
  echo "=== $(date -Is) start" >>"$out"
  # cassandra-env.sh: jamm as a java agent, for exact memtable sizes.
  local agent=() jamm
  for jamm in "$LIB"/jamm-*.jar; do
    if [[ -f "$jamm" ]]; then agent=("-javaagent:$jamm"); fi
  done
  t0=$(now_s)
  spawn "$pidfile" "$out" "$JAVA" \
    "-Xms${heap}m" "-Xmx${heap}m" "-XX:HeapDumpPath=$dir" "-XX:ErrorFile=$dir/logs/hs_err_pid%p.log" \
    "${JVM_SERVER_OPTS[@]}" "${agent[@]}" \
    "-Dcassandra.jmx.local.port=$jmx" \
    "-Dcassandra.config=file://$dir/conf/cassandra.yaml" \
    "-Dcassandra.storagedir=$dir" \
    "-Dcassandra.logdir=$dir/logs" \
    "-Dlogback.configurationFile=file://$dir/conf/logback.xml" \
    -cp "$(classpath_of "$LIB")" org.apache.cassandra.service.CassandraDaemon
  log "node $ip starting pid $(cat "$pidfile") (heap ${heap}m, JMX 127.0.0.1:$jmx), waiting for CQL on $ip:$NATIVE_PORT (timeout ${START_TIMEOUT}s)..."
  until port_open "$ip" "$NATIVE_PORT" && grep -qE 'Starting listening for CQL clients|Startup complete' "$logf" 2>/dev/null \
      && cql_options_ok "$ip"; do
    if ! node_pid "$dir" >/dev/null; then
      { grep -E '^(ERROR|WARN)' "$logf" 2>/dev/null | tail -10; tail -10 "$out"; } >&2 || true
      die "Cassandra node $ip exited during startup; see $logf and $out"
    fi
    if (( $(now_s) - t0 >= START_TIMEOUT )); then
      die "Cassandra node $ip did not accept CQL within ${START_TIMEOUT}s (pid $(cat "$pidfile") still running; stop it with: $0 stop); see $logf"
    fi
    sleep 1
  done
  log "node $ip started pid $(cat "$pidfile") in $(( $(now_s) - t0 ))s, CQL $ip:$NATIVE_PORT, logs: $logf"
}

running_mode() { # prints single|cluster3|"" from live pid files
  local d
  for d in "${SINGLE_NODES[@]}"; do node_pid "$d" >/dev/null && { echo single; return 0; }; done
  for d in "${CLUSTER_NODES[@]}"; do node_pid "$d" >/dev/null && { echo cluster3; return 0; }; done
  echo ""
}

check_loopback_aliases() {
  # Linux routes all of 127.0.0.0/8 to lo; make sure we can bind there.
  local ip
  for ip in 127.0.0.2 127.0.0.3; do
    if ! ip route get "$ip" 2>/dev/null | grep -q ' dev lo'; then
      if command -v ip >/dev/null 2>&1; then
        die "$ip is not routed to the loopback device (ip route get $ip); 3-node mode needs 127.0.0.2 and 127.0.0.3"
      fi
    fi
  done
}

start() {
  local nodes=1
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --nodes) nodes="${2:-}"; shift 2 ;;
      --nodes=*) nodes="${1#*=}"; shift ;;
      *) usage ;;
    esac
  done
  [[ "$nodes" == 1 || "$nodes" == 3 ]] || die "--nodes must be 1 or 3"
  local other dirs heap
  if [[ "$nodes" == 1 ]]; then
    other=cluster3; dirs=("${SINGLE_NODES[@]}"); heap="${CASSANDRA_HEAP:-1024}"
  else
    other=single; dirs=("${CLUSTER_NODES[@]}"); heap="${CASSANDRA_HEAP:-640}"
    check_loopback_aliases
  fi
  if [[ "$(running_mode)" == "$other" ]]; then
    die "Cassandra is already running in the other mode ($other); run '$0 stop' first"
  fi
  find_java
  local t0 i
  t0=$(now_s)
  resolve
  for i in "${!dirs[@]}"; do
    start_node "${dirs[$i]}" "${TOKENS_3[$i]}" "$heap"
  done
  log "ready (${#dirs[@]} node(s)) in $(( $(now_s) - t0 ))s; CQL contact point 127.0.0.1:$NATIVE_PORT"
}

stop() {
  local d n=0
  # All nodes shut down in parallel (each drains and announces shutdown to gossip,
  # ~7 s per node); stop waits for every one to exit (SIGKILL after 90 s).
  for d in "${CLUSTER_NODES[@]}" "${SINGLE_NODES[@]}"; do
    if node_pid "$d" >/dev/null; then
      stop_pidfile "$(node_pidfile "$d")" "cassandra node $(node_ip "$d") ($d)" "$d/conf" 90 &
      n=$((n + 1))
    else
      rm -f "$(node_pidfile "$d")"
    fi
  done
  wait
  [[ $n -gt 0 ]] || log "not running"
}

status() {
  local mode dirs d bad=0
  mode="$(running_mode)"
  case "$mode" in
    single) dirs=("${SINGLE_NODES[@]}") ;;
    cluster3) dirs=("${CLUSTER_NODES[@]}") ;;
    *) log "NOT running"; return 1 ;;
  esac
  for d in "${dirs[@]}"; do
    if node_up "$d"; then
      log "node $(node_ip "$d"): running, pid $(node_pid "$d"), CQL $(node_ip "$d"):$NATIVE_PORT"
    else
      log "node $(node_ip "$d"): NOT answering CQL (see $(node_log "$d"))"
      bad=1
    fi
  done
  return $bad
}

# Logging for the short-lived helper JVMs: warnings only, to stderr.
write_tools_logback() {
  cat >"$BASE/tools-logback.xml" <<EOF
<configuration>
  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
    <target>System.err</target>
    <encoder><pattern>%-5level %msg%n</pattern></encoder>
  </appender>
  <root level="WARN"><appender-ref ref="STDERR"/></root>
</configuration>
EOF
}

nodetool() {
  find_java; resolve; write_tools_logback
  local jmx="${NODETOOL_JMX_PORT:-17199}"
  "$JAVA" -Xmx256m -XX:+UseSerialGC "${JVM_JPMS_OPTS[@]}" -Dlogback.configurationFile="file://$BASE/tools-logback.xml" \
    -cp "$(classpath_of "$LIB")" org.apache.cassandra.tools.NodeTool -h 127.0.0.1 -p "$jmx" "$@"
}

cql() {
  find_java; resolve; write_tools_logback
  "$JAVA" -Xmx256m -XX:+UseSerialGC "${JVM_JPMS_OPTS[@]}" -Dlogback.configurationFile="file://$BASE/tools-logback.xml" \
    -Dcql.host="${CQL_HOST:-127.0.0.1}" -Dcql.port="$NATIVE_PORT" \
    -cp "$(classpath_of "$LIB")" "$SERVICES_DIR/CqlExec.java" "$@"
}

print_logs() {
  local d
  for d in "${SINGLE_NODES[@]}" "${CLUSTER_NODES[@]}"; do
    node_log "$d"
  done
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
}

mkdir -p "$BASE"
cmd="${1:-}"
shift || true
case "$cmd" in start|stop|reset) lock_service ;; esac
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  status) status ;;
  logs) print_logs ;;
  reset) stop; rm -rf "${SINGLE_NODES[@]}" "$BASE/cluster3"; log "data deleted" ;;
  nodetool) nodetool "$@" ;;
  cql) [[ $# -ge 1 ]] || usage; cql "$@" ;;
  *) usage ;;
esac
