import { defineConfig } from "vitest/config";

// Tests that stop and restart real servers: one file at a time, after the main run.
export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.fault.test.ts"],
    fileParallelism: false,
    testTimeout: 240_000,
    hookTimeout: 240_000,
    passWithNoTests: false,
  },
});
