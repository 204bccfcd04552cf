import { defineConfig } from "vitest/config";

// Fault tests stop and start the real servers, so they run alone, after everything else
// (vitest.faults.config.ts), never beside tests that use the same servers.
const project = (name: string, root: string, timeout = 20_000) => ({
  test: { name, root, include: ["test/**/*.test.ts"], exclude: ["test/**/*.fault.test.ts"], testTimeout: timeout, hookTimeout: 120_000 },
});

export default defineConfig({
  test: {
    projects: [
      project("@rdg/model", "packages/model"),
      project("@rdg/kv", "packages/kv"),
      project("@rdg/kv-lmdb", "packages/kv-lmdb"),
      project("@rdg/kv-redis", "packages/kv-redis", 60_000),
      project("@rdg/kv-cassandra", "packages/kv-cassandra", 120_000),
      // The graph's suites run on every store, the real servers included, beside other tests.
      project("@rdg/graph", "packages/graph", 180_000),
      project("@rdg/stores", "packages/stores", 120_000),
      project("@rdg/ingest", "packages/ingest"),
      project("@rdg/server", "packages/server", 120_000),
      project("@rdg/cli", "apps/rdg", 120_000),
      project("@rdg/bench", "apps/bench", 120_000),
      project("services", "services", 180_000),
    ],
  },
});
