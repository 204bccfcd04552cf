#!/usr/bin/env bash
# PostgreSQL for the bench's peers: our own cluster (Debian's server binaries, initdb +
# pg_ctl) on a project port, never the system cluster on 5432.
#
#   services/postgres.sh start     cluster on 127.0.0.1:15432, database rdg_bench, user postgres
#                                  (trust auth on loopback; created on the first start)
#   services/postgres.sh stop      fast shutdown (SIGINT to the postmaster), SIGKILL after 60 s
#   services/postgres.sh status    exit 0 iff our postmaster runs and answers a query
#   services/postgres.sh logs      print the log file path
#   services/postgres.sh reset     stop and delete the cluster's data
#   services/postgres.sh psql ARGS run psql against the cluster (e.g. psql -c "select 1")
#
# Env: PG_PORT (default 15432), PG_SHARED_BUFFERS (default 256MB).
# The server refuses to run as root, so as root the cluster is owned and run by the
# `postgres` user that Debian's package creates.
set -euo pipefail
SVC_NAME=postgres
# shellcheck source-path=SCRIPTDIR source=_lib.sh
source "$(dirname "$0")/_lib.sh"

PORT="${PG_PORT:-15432}"
DATABASE=rdg_bench
BASE="$STATE_ROOT/postgres"
DATA="$BASE/data"
RUN="$BASE/run"
LOGFILE="$BASE/postgres.log"
PIDFILE="$BASE/postgres.pid"
START_TIMEOUT="${PG_START_TIMEOUT:-60}"

# find_bin: sets BIN to the newest /usr/lib/postgresql/<v>/bin with initdb, installing
# Debian's postgresql package if there is none.
find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then BIN="$d"; return 0; fi
  done
  log "PostgreSQL server binaries missing, installing Debian package postgresql..."
  local sudo=""
  [[ "$(id -u)" == 0 ]] || sudo="sudo"
  if ! { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql; } >"$BASE/apt.log" 2>&1; then
    die "apt-get install postgresql failed, see $BASE/apt.log"
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/initdb" ]]; then BIN="$d"; return 0; fi
  done
  die "no /usr/lib/postgresql/<version>/bin/initdb after installing postgresql (see $BASE/apt.log)"
}

# as_owner CMD...: run CMD as the cluster's owner (postgres when we are root).
as_owner() {
  if [[ "$(id -u)" == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (Debian's postgresql package creates it): apt-get install -y postgresql"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postmaster_pid() { # prints the live postmaster's pid, from its own postmaster.pid
  [[ -f "$DATA/postmaster.pid" ]] || return 1
  local pid
  pid="$(head -1 "$DATA/postmaster.pid" | tr -dc '0-9')"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$DATA" || return 1
  echo "$pid"
}

answers() {
  as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atqc "select 1" 2>/dev/null | grep -qx 1
}

init_cluster() {
  [[ -f "$DATA/PG_VERSION" ]] && return 0
  log "initdb $DATA (first start)"
  mkdir -p "$DATA"
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$DATA" "$BASE"
  as_owner "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$BASE/initdb.log" 2>&1 \
    || die "initdb failed, see $BASE/initdb.log"
}

# Settings a bulk-loading benchmark would use on a 24 GiB, 2-core machine: bigger buffers
# and WAL so checkpoints do not dominate the load; durability left at the defaults.
write_config() {
  cat >"$DATA/postgresql.auto.conf" <<EOF
# Written by services/postgres.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
shared_buffers = '${PG_SHARED_BUFFERS:-256MB}'
work_mem = '16MB'
maintenance_work_mem = '256MB'
max_wal_size = '4GB'
checkpoint_timeout = '15min'
max_connections = 50
logging_collector = off
EOF
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$DATA/postgresql.auto.conf"
  return 0
}

start() {
  find_bin
  mkdir -p "$BASE" "$RUN"
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$BASE" "$RUN"
  if pid="$(postmaster_pid)"; then
    if answers; then
      log "already running (pid $pid), 127.0.0.1:$PORT, logs: $LOGFILE"
      echo "$pid" >"$PIDFILE"
      return 0
    fi
    die "postmaster pid $pid runs but does not answer on 127.0.0.1:$PORT; see $LOGFILE, or run: $0 stop"
  fi
  port_open 127.0.0.1 "$PORT" && die "127.0.0.1:$PORT is already in use by another process (ss -ltnp | grep $PORT); set PG_PORT"
  init_cluster
  write_config
  touch "$LOGFILE"
  [[ "$(id -u)" == 0 ]] && chown postgres:postgres "$LOGFILE"
  local t0
  t0=$(now_s)
  # fd 9 (lock_service) is closed so the server does not hold the lock.
  if ! as_owner "$BIN/pg_ctl" -D "$DATA" -l "$LOGFILE" -w -t "$START_TIMEOUT" start >>"$BASE/pg_ctl.log" 2>&1 9>&-; then
    tail -15 "$LOGFILE" >&2 || true
    die "PostgreSQL did not start within ${START_TIMEOUT}s; see $LOGFILE and $BASE/pg_ctl.log"
  fi
  until answers; do
    (( $(now_s) - t0 < START_TIMEOUT )) || die "PostgreSQL started but does not answer on 127.0.0.1:$PORT; see $LOGFILE"
    sleep 0.5
  done
  if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -Atqc "select 1 from pg_database where datname = '$DATABASE'" | grep -qx 1; then
    as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -qc "create database $DATABASE" >/dev/null
  fi
  postmaster_pid >"$PIDFILE"
  log "started pid $(cat "$PIDFILE") in $(( $(now_s) - t0 ))s ($("$BIN/postgres" --version)), 127.0.0.1:$PORT database $DATABASE user postgres, logs: $LOGFILE"
}

stop() {
  local pid t0
  if ! pid="$(postmaster_pid)"; then
    rm -f "$PIDFILE"
    log "not running"
    return 0
  fi
  log "stopping postmaster (pid $pid)..."
  # SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
  kill -INT "$pid" 2>/dev/null || true
  t0=$(now_s)
  while kill -0 "$pid" 2>/dev/null; do
    if (( $(now_s) - t0 >= 60 )); then
      warn "postmaster (pid $pid) did not exit after 60s, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.3
  done
  rm -f "$PIDFILE"
  log "stopped"
}

status() {
  find_bin
  if pid="$(postmaster_pid)" && answers; then
    log "running, pid $pid, 127.0.0.1:$PORT database $DATABASE"
    return 0
  fi
  log "NOT running (see $LOGFILE)"
  return 1
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
  start) start ;;
  stop) stop ;;
  status) status ;;
  logs) echo "$LOGFILE" ;;
  reset) stop; rm -rf "$DATA" "$RUN"; log "data deleted" ;;
  psql) find_bin; as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -d "$DATABASE" "$@" ;;
  *) usage ;;
esac
