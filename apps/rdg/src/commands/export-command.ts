import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import { CliError } from "../cli-error.js";
import { openEmbeddedGraph } from "../open-graph.js";

/**
 * `rdg export`: the whole graph as canonical JSON lines, sorted, so two graphs compare with
 * `diff`. To standard output, or to `--out FILE`, which must not exist (rdg never overwrites a
 * file it did not create).
 */
export async function exportCommand(o: { path: string; out?: string }): Promise<void> {
  if (o.out !== undefined && existsSync(o.out)) throw new CliError(`${o.out} already exists; give a new file to --out, or remove it first`, 2);
  const { kv, graph } = openEmbeddedGraph(o.path, { access: "read" });
  const file = o.out === undefined ? undefined : await open(o.out, "wx");
  try {
    let lines = 0;
    let buffer = "";
    const flush = async (): Promise<void> => {
      if (file !== undefined) await file.write(buffer);
      else if (!process.stdout.write(buffer)) await new Promise((r) => process.stdout.once("drain", r));
      buffer = "";
    };
    for await (const line of graph.export()) {
      buffer += `${line}\n`;
      lines++;
      if (buffer.length > 1 << 20) await flush();
    }
    await flush();
    if (file !== undefined) console.error(`exported ${lines.toLocaleString("en-US")} lines to ${o.out}`);
  } finally {
    await file?.close();
    await kv.close();
  }
}
