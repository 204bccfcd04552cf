#!/usr/bin/env bash
# Every test: typecheck, unit and conformance suites against the real servers, the fault tests
# (which stop and start those servers, so they run alone), and the package contents check.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "[test] starting the real services (services/*.sh; idempotent)"
services/redis.sh start --all
services/cassandra.sh start

npx turbo run typecheck --output-logs=errors-only
npx vitest run
npx vitest run --config vitest.faults.config.ts
node scripts/pack-check.mjs
