import { rmdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { refusal } from "../cli-error.js";
import { inspectGraphPath, removeGraphFiles, writeGraphMarker } from "../graph-path.js";
import { openEmbeddedGraph } from "../open-graph.js";

/**
 * `rdg backup`: a consistent copy of a graph into a new or empty directory, while other
 * processes may keep writing to it (LMDB copies one read snapshot). The copy is itself an RDG
 * graph directory: its marker names the graph it was copied from.
 */
export async function backupCommand(dest: string, o: { path: string; compact: boolean }): Promise<void> {
  const target = inspectGraphPath(dest);
  if (target.kind === "graph") throw refusal(`${dest} already holds an rdg graph; a backup goes into a new or empty directory: pass another DEST, or remove that graph first with 'rdg reset --path ${dest} --yes'`);
  if (target.kind === "foreign") throw refusal(`${target.reason}; a backup goes into a new or empty directory: pass another DEST`);
  if (resolve(dest) === resolve(o.path)) throw refusal("DEST is the graph itself; pass another directory");
  const { kv } = openEmbeddedGraph(o.path, { access: "read" });
  const started = performance.now();
  try {
    writeGraphMarker(dest, { backupOf: resolve(o.path) });
    try {
      // lmdb-js's backup is LMDB's mdb_env_copy2: it writes DEST/data.mdb from one read snapshot.
      await kv.database.backup(dest, o.compact);
    } catch (error) {
      removeGraphFiles(dest);
      if (target.kind === "absent") rmdirSync(dest);
      throw error;
    }
  } finally {
    await kv.close();
  }
  const bytes = statSync(join(dest, "data.mdb")).size;
  console.log(`backed up ${o.path} to ${dest}: ${(bytes / 1024 / 1024).toFixed(1)} MiB${o.compact ? " (compacted)" : ""} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
