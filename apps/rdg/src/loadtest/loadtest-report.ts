import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import type { LoadOutcome } from "./load-runner.js";
import { clauseMet, clauseUnit, measuredValue, type SloClause } from "./slo.js";

/** A result file in the bench's shape (apps/bench/src/report/bench-result.ts), so the report reads both alike. */
export interface LoadtestResult {
  readonly scenario: string;
  readonly startedAt: string;
  readonly durationSec: number;
  readonly machine: Record<string, unknown>;
  readonly settings: Record<string, unknown>;
  readonly figures: Record<string, { readonly value: number; readonly unit: string }>;
  readonly ratios: Record<string, number>;
  readonly targets: Record<string, { readonly target: number; readonly actual: number; readonly met: boolean }>;
  readonly notes: string[];
}

/** The machine the load came from (the server may be elsewhere). */
export function describeLoadMachine(): Record<string, unknown> {
  let cpu = cpus()[0]?.model ?? "unknown";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return { cores: cpus().length, cpu, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, kernel: release(), loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))) };
}

/** Figures of a run, named for people and the report. */
export function loadFigures(o: LoadOutcome): LoadtestResult["figures"] {
  const ms = (value: number) => ({ value, unit: "ms" });
  return {
    "latency p50": ms(o.latencyMs.p50),
    "latency p90": ms(o.latencyMs.p90),
    "latency p99": ms(o.latencyMs.p99),
    "latency p99.9": ms(o.latencyMs["p99.9"]),
    "latency max": ms(o.latencyMs.max),
    "latency mean": ms(o.latencyMs.mean),
    "requests per second": { value: o.rps, unit: "req/s" },
    "requests answered": { value: o.answered, unit: "requests" },
    "errors (connection, timeout)": { value: o.errors, unit: "requests" },
    "non-2xx answers": { value: o.non2xx, unit: "requests" },
    "error rate": { value: o.errorPercent, unit: "%" },
    "bytes per answer": { value: o.bytesPerAnswer, unit: "bytes" },
  };
}

/** Each SLO clause as a target with what this run measured. */
export function sloTargets(slo: readonly SloClause[], o: LoadOutcome): LoadtestResult["targets"] {
  return Object.fromEntries(slo.map((c) => [c.text, { target: c.bound, actual: measuredValue(c, o), met: clauseMet(c, o) }]));
}

const num = (v: number, digits = 2): string => (Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-US") : v.toFixed(digits));

/** The table printed at the end of a run. */
export function latencyTable(o: LoadOutcome, slo: readonly SloClause[]): string {
  const l = o.latencyMs;
  const lines = [
    "| latency | p50 | p90 | p99 | p99.9 | max | mean |",
    "|---|---:|---:|---:|---:|---:|---:|",
    `| ms | ${num(l.p50, 3)} | ${num(l.p90, 3)} | ${num(l.p99, 3)} | ${num(l["p99.9"], 3)} | ${num(l.max, 3)} | ${num(l.mean, 3)} |`,
    "",
    "| req/s | answered | errors | timeouts | non-2xx | error rate |",
    "|---:|---:|---:|---:|---:|---:|",
    `| ${num(o.rps, 1)} | ${o.answered.toLocaleString("en-US")} | ${o.errors} | ${o.timeouts} | ${o.non2xx} | ${num(o.errorPercent, 3)}% |`,
  ];
  const statuses = Object.entries(o.statusCounts).map(([code, n]) => `${code}: ${n.toLocaleString("en-US")}`).join(", ");
  if (statuses !== "") lines.push("", `statuses: ${statuses}`);
  if (slo.length > 0) {
    lines.push("", "| SLO | measured | met |", "|---|---:|---|");
    for (const c of slo) lines.push(`| ${c.text} | ${num(measuredValue(c, o), 3)} ${clauseUnit(c)} | ${clauseMet(c, o) ? "yes" : "NO"} |`);
  }
  return lines.join("\n");
}

function toMarkdown(r: LoadtestResult, table: string): string {
  return [`## ${r.scenario} — ${r.startedAt}`, "", `Load from: ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, ${r.machine.cpu}, Node ${r.machine.node}; load at start ${JSON.stringify(r.machine.loadAverageAtStart)}`, `Settings: ${JSON.stringify(r.settings)}`, "", table, ...r.notes.map((n) => `\n- ${n}`), ""].join("\n");
}

/** Writes `<scenario>-<time>.json` and `.md` under `dir`; returns the JSON path. */
export function writeLoadtestResult(dir: string, r: LoadtestResult, table: string): string {
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${r.scenario}-${r.startedAt.replace(/[:.]/g, "-")}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(`${base}.md`, toMarkdown(r, table));
  return `${base}.json`;
}
