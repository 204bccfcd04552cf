import { readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

function version(pkg: string): string {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return "unknown";
  }
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
