import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchResult } from "./bench-result.js";

const fmt = (v: number): string => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(2));

/** The result as a Markdown summary (also what the terminal shows). */
export function toMarkdown(r: BenchResult): string {
  const lines = [`## ${r.scenario} — ${r.startedAt}`, "", `Machine: ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.cpu}, Node ${r.machine.node}, lmdb ${r.machine.lmdb}; load at start ${JSON.stringify(r.machine.loadAverageAtStart)}`, `Settings: ${JSON.stringify(r.settings)}`, "", "| figure | value | unit |", "|---|---:|---|"];
  for (const [name, f] of Object.entries(r.figures)) lines.push(`| ${name} | ${fmt(f.value)} | ${f.unit} |`);
  lines.push("", "| ratio (ours / ceiling, same run) | value |", "|---|---:|");
  for (const [name, v] of Object.entries(r.ratios)) lines.push(`| ${name} | ${(v * 100).toFixed(1)}% |`);
  if (Object.keys(r.targets).length > 0) {
    lines.push("", "| target | wanted | this run | met |", "|---|---:|---:|---|");
    for (const [name, t] of Object.entries(r.targets)) lines.push(`| ${name} | ${fmt(t.target)} | ${fmt(t.actual)} | ${t.met ? "yes" : "NO"} |`);
  }
  for (const note of r.notes) lines.push("", `- ${note}`);
  return `${lines.join("\n")}\n`;
}

/** Writes `<scenario>-<time>.json` and `.md` under `dir`; returns the JSON path. */
export function writeResult(dir: string, r: BenchResult): string {
  mkdirSync(dir, { recursive: true });
  const stamp = r.startedAt.replace(/[:.]/g, "-");
  const base = join(dir, `${r.scenario}-${stamp}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(`${base}.md`, toMarkdown(r));
  return `${base}.json`;
}
