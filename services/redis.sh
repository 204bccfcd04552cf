#!/usr/bin/env bash
# Redis for RDG tests and benchmarks: our own redis-server processes (Debian's
# package), never the system service on 6379.
#
#   services/redis.sh start                 single node on 127.0.0.1:16379
#   services/redis.sh start --cluster       3-master cluster on 17001-17003 (alias: start-cluster)
#   services/redis.sh start --all           both
#   services/redis.sh stop  [--single|--cluster]   default: stop everything that runs
#   services/redis.sh status [--single|--cluster|--all]  exit 0 iff running and answering
#   services/redis.sh logs   [--single|--cluster]   print log file paths
#   services/redis.sh reset                 stop and delete all Redis state
#
# Data is NOT persisted (--save "" --appendonly no); only the cluster topology
# (nodes.conf) survives a restart, so the cluster re-forms without re-creating it.
set -euo pipefail
SVC_NAME=redis
# shellcheck source-path=SCRIPTDIR source=_lib.sh
source "$(dirname "$0")/_lib.sh"

SINGLE_PORT="${REDIS_PORT:-16379}"
CLUSTER_PORTS=(17001 17002 17003)
BASE="$STATE_ROOT/redis"
START_TIMEOUT="${REDIS_START_TIMEOUT:-30}"

node_dir() { # PORT
  if [[ "$1" == "$SINGLE_PORT" ]]; then echo "$BASE/single"; else echo "$BASE/cluster/$1"; fi
}

ensure_redis() {
  if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
    return 0
  fi
  log "redis-server/redis-cli missing, installing Debian package redis-server..."
  local sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server; } >"$BASE/apt.log" 2>&1; then
    die "apt-get install redis-server failed, see $BASE/apt.log"
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server still not on PATH after install (see $BASE/apt.log)"
}

cli() { # PORT ARGS...
  local p="$1"; shift
  redis-cli -h 127.0.0.1 -p "$p" "$@"
}

answers() { # PORT
  [[ "$(cli "$1" PING 2>/dev/null)" == "PONG" ]]
}

node_running() { # PORT -> 0 if our process is alive and answers PING
  pid_from_file "$(node_dir "$1")/redis.pid" ":$1" >/dev/null && answers "$1"
}

start_node() { # PORT cluster|single
  local port="$1" mode="$2" dir pidfile logfile
  dir="$(node_dir "$port")"
  pidfile="$dir/redis.pid"
  logfile="$dir/redis.log"
  mkdir -p "$dir"
  if pid_from_file "$pidfile" ":$port" >/dev/null; then
    if answers "$port"; then
      log "node :$port already running (pid $(cat "$pidfile"))"
      return 0
    fi
    die "node :$port has a live process (pid $(cat "$pidfile")) that does not answer PING; see $logfile or run: $0 stop"
  fi
  if port_open 127.0.0.1 "$port"; then
    die "port $port is already used by another process (not started by this script); free it first (ss -ltnp | grep :$port)"
  fi
  local args=(--bind 127.0.0.1 --port "$port" --daemonize no --protected-mode no
    --save "" --appendonly no --dir "$dir" --logfile "")
  if [[ "$mode" == cluster ]]; then
    args+=(--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000)
  fi
  echo "=== $(date -Is) start" >>"$logfile"
  spawn "$pidfile" "$logfile" "$(command -v redis-server)" "${args[@]}"
  local t0
  t0=$(now_s)
  until answers "$port"; do
    if ! pid_from_file "$pidfile" >/dev/null; then
      tail -20 "$logfile" >&2
      die "redis-server :$port exited during startup; see $logfile"
    fi
    if (( $(now_s) - t0 >= START_TIMEOUT )); then
      die "redis-server :$port did not answer PING within ${START_TIMEOUT}s; see $logfile"
    fi
    sleep 0.2
  done
  log "node :$port started pid $(cat "$pidfile"), logs: $logfile"
}

cluster_field() { # PORT FIELD
  cli "$1" CLUSTER INFO 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"
}

cluster_ok() {
  local p
  for p in "${CLUSTER_PORTS[@]}"; do
    node_running "$p" || return 1
    [[ "$(cluster_field "$p" cluster_state)" == ok ]] || return 1
  done
}

start_single() {
  ensure_redis
  start_node "$SINGLE_PORT" single
}

start_cluster() {
  ensure_redis
  local t0 p
  t0=$(now_s)
  for p in "${CLUSTER_PORTS[@]}"; do start_node "$p" cluster; done
  if [[ "$(cluster_field "${CLUSTER_PORTS[0]}" cluster_slots_assigned)" == 0 ]]; then
    log "creating cluster (first start): ${CLUSTER_PORTS[*]}"
    local addrs=()
    for p in "${CLUSTER_PORTS[@]}"; do addrs+=("127.0.0.1:$p"); done
    if ! redis-cli --cluster create "${addrs[@]}" --cluster-replicas 0 --cluster-yes >"$BASE/cluster/create.log" 2>&1; then
      cat "$BASE/cluster/create.log" >&2
      die "redis-cli --cluster create failed (log: $BASE/cluster/create.log); if the nodes hold stale state run: $0 reset"
    fi
  fi
  until cluster_ok; do
    if (( $(now_s) - t0 >= START_TIMEOUT )); then
      for p in "${CLUSTER_PORTS[@]}"; do echo ":$p cluster_state=$(cluster_field "$p" cluster_state)" >&2; done
      die "cluster did not reach cluster_state:ok within ${START_TIMEOUT}s; logs: $BASE/cluster/*/redis.log (or: $0 reset)"
    fi
    sleep 0.3
  done
  log "cluster ok on 127.0.0.1:${CLUSTER_PORTS[*]} (use redis-cli -c -p ${CLUSTER_PORTS[0]}), logs: $BASE/cluster/<port>/redis.log"
}

stop_single() { stop_pidfile "$BASE/single/redis.pid" "redis :$SINGLE_PORT" ":$SINGLE_PORT" 30; }
stop_cluster() {
  local p
  for p in "${CLUSTER_PORTS[@]}"; do
    stop_pidfile "$BASE/cluster/$p/redis.pid" "redis cluster node :$p" ":$p" 30
  done
}

status_single() {
  if node_running "$SINGLE_PORT"; then
    log "single node: running, pid $(cat "$BASE/single/redis.pid"), 127.0.0.1:$SINGLE_PORT"
    return 0
  fi
  log "single node: NOT running (127.0.0.1:$SINGLE_PORT)"
  return 1
}

status_cluster() {
  if cluster_ok; then
    log "cluster: running, cluster_state:ok, 127.0.0.1:${CLUSTER_PORTS[*]}"
    return 0
  fi
  local p up=0
  for p in "${CLUSTER_PORTS[@]}"; do node_running "$p" && up=$((up + 1)); done
  log "cluster: NOT ok ($up/${#CLUSTER_PORTS[@]} nodes answering)"
  return 1
}

print_logs() {
  local which="${1:-all}"
  [[ "$which" != cluster ]] && echo "$BASE/single/redis.log"
  if [[ "$which" != single ]]; then
    local p
    for p in "${CLUSTER_PORTS[@]}"; do echo "$BASE/cluster/$p/redis.log"; done
  fi
  return 0
}

usage() {
  awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
  exit 2
}

cmd="${1:-}"
shift || true
mode=""
case "${1:-}" in
  --cluster) mode=cluster ;;
  --single) mode=single ;;
  --all) mode=all ;;
  "") ;;
  *) usage ;;
esac
mkdir -p "$BASE"
case "$cmd" in start*|stop*|reset) lock_service ;; esac

case "$cmd" in
  start)
    case "${mode:-single}" in
      single) start_single ;;
      cluster) start_cluster ;;
      all) start_single; start_cluster ;;
    esac ;;
  start-cluster) start_cluster ;;
  stop)
    case "${mode:-all}" in
      single) stop_single ;;
      cluster) stop_cluster ;;
      all) stop_single; stop_cluster ;;
    esac ;;
  stop-cluster) stop_cluster ;;
  status)
    case "${mode:-single}" in
      single) status_single ;;
      cluster) status_cluster ;;
      all) rc=0; status_single || rc=1; status_cluster || rc=1; exit $rc ;;
    esac ;;
  status-cluster) status_cluster ;;
  logs) print_logs "${mode:-all}" ;;
  reset)
    stop_single; stop_cluster
    rm -rf "$BASE/single" "$BASE/cluster"
    log "state deleted" ;;
  *) usage ;;
esac
