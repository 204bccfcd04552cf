import { defineConfig } from "vitest/config";

const project = (name: string, root: string, timeout = 20_000) => ({
  test: { name, root, include: ["test/**/*.test.ts"], testTimeout: timeout, hookTimeout: 120_000 },
});

export default defineConfig({
  test: {
    projects: [
      project("@rdg/model", "packages/model"),
      project("@rdg/kv", "packages/kv"),
      project("@rdg/kv-lmdb", "packages/kv-lmdb"),
      project("@rdg/graph", "packages/graph"),
      project("@rdg/ingest", "packages/ingest"),
      project("@rdg/cli", "apps/rdg", 120_000),
      project("@rdg/bench", "apps/bench", 120_000),
    ],
  },
});
