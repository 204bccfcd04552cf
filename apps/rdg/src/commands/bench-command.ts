import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { CliError } from "../cli-error.js";

/** The bench app's entry point in a checkout of the repository (apps/rdg/dist -> apps/bench/dist). */
const BENCH_CLI = fileURLToPath(new URL("../../../bench/dist/cli.js", import.meta.url));

/**
 * `rdg bench ...`: runs the repository's bench app with the same arguments, so the harness has
 * one implementation. The bench is a private app of the repository, not a published package.
 */
export function benchCommand(args: readonly string[]): void {
  if (!existsSync(BENCH_CLI)) throw new CliError(`the bench app is not built at ${BENCH_CLI}: run it from a checkout of the repository with ./run bench (which builds it)`);
  const r = spawnSync(process.execPath, [BENCH_CLI, ...args], { stdio: "inherit" });
  process.exitCode = r.status ?? 1;
}
