import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Version of an installed package, read from its package.json next to its entry point. */
function version(pkg: string): string {
  try {
    let dir = dirname(fileURLToPath(import.meta.resolve(pkg)));
    for (let i = 0; i < 5; i++, dir = dirname(dir)) {
      try {
        const json = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
        if (json.name === pkg) return json.version ?? "unknown";
      } catch {
        // keep walking up
      }
    }
  } catch {
    // not installed
  }
  return "unknown";
}

/** What the run ran on: cores, memory, Node, store versions, load at the start. */
export function describeMachine(): Record<string, unknown> {
  let model = cpus()[0]?.model ?? "unknown";
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? model;
  } catch {
    // not Linux
  }
  return {
    cores: cpus().length,
    cpu: model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    kernel: release(),
    lmdb: version("lmdb"),
    msgpackr: version("msgpackr"),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  };
}
