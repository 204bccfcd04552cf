#!/usr/bin/env bash
# Every test: typecheck, unit and conformance suites against the real servers, the fault tests
# (which stop and start those servers, so they run alone), and the package contents check.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "[test] starting the real services (services/*.sh; idempotent)"
services/redis.sh start --all
services/cassandra.sh start
services/kafka.sh start

mkdir -p .test-results
npx turbo run typecheck --output-logs=errors-only
npx tsc -p services/tsconfig.test.json --noEmit
npx vitest run --reporter=default --reporter=json --outputFile.json=.test-results/main.json
npx vitest run --config vitest.faults.config.ts --reporter=default --reporter=json --outputFile.json=.test-results/faults.json
node scripts/pack-check.mjs
# One closing line over both runs, in the plain form CI reads.
node -e '
const runs = ["main", "faults"].map((n) => require("./.test-results/" + n + ".json"));
const sum = (k) => runs.reduce((a, r) => a + r[k], 0);
console.log(`tests: ${sum("numPassedTests")} passed, ${sum("numFailedTests")} failed, ${sum("numPendingTests")} skipped`);
'
