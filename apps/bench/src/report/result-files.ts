import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { BenchResult } from "./bench-result.js";

/** A committed result and the file it came from. */
export interface StoredResult {
  readonly file: string;
  readonly result: BenchResult;
}

/** Every `*.json` result under `dir`, newest first (by `startedAt`); files that are not results are left out. */
export function readResults(dir: string): StoredResult[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith(".json"));
  } catch {
    return [];
  }
  const out: StoredResult[] = [];
  for (const name of names) {
    const result = JSON.parse(readFileSync(join(dir, name), "utf8")) as Partial<BenchResult>;
    if (typeof result.scenario !== "string" || typeof result.startedAt !== "string") continue;
    out.push({ file: basename(name), result: { figures: {}, ratios: {}, targets: {}, notes: [], settings: {}, machine: {}, durationSec: 0, ...result } as BenchResult });
  }
  return out.sort((a, b) => b.result.startedAt.localeCompare(a.result.startedAt));
}

/** The command that produced a result: recorded since the harness, derived for older ones. */
export function commandOf(r: BenchResult): string {
  if (r.command !== undefined) return r.command;
  const seconds = typeof r.settings["seconds"] === "number" ? ` --seconds ${r.settings["seconds"]}` : "";
  const sync = r.settings["sync"] === false ? " --no-sync" : "";
  return `./run bench ${r.scenario}${seconds}${sync}`;
}

/** Results grouped by scenario, each group newest first. */
export function byScenario(results: readonly StoredResult[]): Map<string, StoredResult[]> {
  const groups = new Map<string, StoredResult[]>();
  for (const r of results) {
    const list = groups.get(r.result.scenario) ?? [];
    list.push(r);
    groups.set(r.result.scenario, list);
  }
  return groups;
}
