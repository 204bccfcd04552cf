#!/usr/bin/env bash
# Every test: typecheck, the unit and conformance suites, and the package contents check.
set -euo pipefail
cd "$(dirname "$0")/.."
npx turbo run typecheck --output-logs=errors-only
npx vitest run
node scripts/pack-check.mjs
