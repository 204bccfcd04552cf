import { execFile } from "node:child_process";
import { existsSync, lstatSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

/** The repository's root (this file is apps/bench/{src,dist}/peers/peer-files.*). */
export const REPO_ROOT: string = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

/** Where the project's services keep their state (services/_lib.sh: RDG_SERVICES_DIR or <repo>/.services). */
export const SERVICES_STATE: string = process.env.RDG_SERVICES_DIR ?? join(REPO_ROOT, ".services");

/** Bytes allocated on disk under `path` (a file or a folder), as du counts them: sparse files count what they hold. */
export function diskBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.blocks * 512;
  let total = 0;
  for (const name of readdirSync(path)) total += diskBytes(join(path, name));
  return total;
}

const run = promisify(execFile);

/** Runs `services/<script>` with `args`; resolves with its output, rejects with its stderr in the message. */
export async function service(script: string, args: readonly string[], timeoutMs = 600_000, env: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await run(join(REPO_ROOT, "services", script), [...args], { timeout: timeoutMs, maxBuffer: 16 << 20, env: { ...process.env, ...env } });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`services/${script} ${args.join(" ")} failed: ${(e.stderr || e.stdout || e.message).trim().split("\n").slice(-6).join(" | ")}`, { cause: error });
  }
}

/**
 * Bytes of a Cassandra keyspace's SSTables on every node of the project's Cassandra, after a
 * flush of its memtables (commit logs not counted).
 */
export async function cassandraKeyspaceBytes(keyspace: string): Promise<number> {
  const base = join(SERVICES_STATE, "cassandra");
  const nodes = [join(base, "node1"), ...[1, 2, 3].map((n) => join(base, "cluster3", `node${n}`))].filter((d) => existsSync(join(d, "cassandra.pid")));
  let total = 0;
  for (const node of nodes) {
    const n = Number(/node(\d)$/.exec(node)?.[1] ?? 1);
    await service("cassandra.sh", ["nodetool", "flush", keyspace], 180_000, { NODETOOL_JMX_PORT: String(17099 + 100 * n) });
    total += diskBytes(join(node, "data", keyspace));
  }
  return total;
}
