#!/usr/bin/env bash
# All RDG test servers at once.
#
#   services/all.sh start  [SERVICE...]   default: redis kafka cassandra
#   services/all.sh stop   [SERVICE...]
#   services/all.sh status [SERVICE...]   exit 0 iff every one is running and answering
#   services/all.sh logs   [SERVICE...]
#
# SERVICE is redis (single node 16379 + 3-master cluster 17001-17003), kafka
# (19092) or cassandra (one node, 19042). Started one after another; stop goes
# in reverse order. For Cassandra's 3-node mode use services/cassandra.sh directly.
set -euo pipefail
DIR="$(cd "$(dirname "$0")" && pwd)"

cmd="${1:-}"
shift || true
services=("$@")
[[ ${#services[@]} -gt 0 ]] || services=(redis kafka cassandra)
for s in "${services[@]}"; do
  case "$s" in
    redis|kafka|cassandra) ;;
    *) echo "[all] unknown service '$s' (redis, kafka, cassandra)" >&2; exit 2 ;;
  esac
done

extra() { # SERVICE -> flags so that redis covers single node + cluster
  if [[ "$1" == redis ]]; then echo "--all"; fi
}

case "$cmd" in
  start)
    for s in "${services[@]}"; do
      # shellcheck disable=SC2046
      "$DIR/$s.sh" start $(extra "$s")
    done ;;
  stop)
    for ((i = ${#services[@]} - 1; i >= 0; i--)); do
      "$DIR/${services[$i]}.sh" stop
    done ;;
  status)
    rc=0
    for s in "${services[@]}"; do
      # shellcheck disable=SC2046
      "$DIR/$s.sh" status $(extra "$s") || rc=1
    done
    exit $rc ;;
  logs)
    for s in "${services[@]}"; do "$DIR/$s.sh" logs; done ;;
  *)
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 2 ;;
esac
