import { mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { capacityModel, type CapacityModel } from "../capacity/capacity-model.js";
import type { BenchResult } from "./bench-result.js";
import { renderPng } from "./chart-renderer.js";
import { OTHER_FAMILY, REPORT_FAMILIES, type ReportFamily } from "./report-families.js";
import { capacityChart, clusterChart, mixedLoadCharts, ratioChart, type ReportChart } from "./report-charts.js";
import { byScenario, commandOf, readResults, type StoredResult } from "./result-files.js";

export interface ReportPaths {
  /** Where the result files are. */
  readonly resultsDir: string;
  /** The Markdown file to write. */
  readonly reportFile: string;
  /** Where the PNG charts go (every PNG there is rewritten). */
  readonly chartsDir: string;
}

const num = (v: number): string => (!Number.isFinite(v) ? String(v) : Number.isInteger(v) || Math.abs(v) >= 100 ? Math.round(v).toLocaleString("en-US") : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3));
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The machine a run was on, in one line. */
export function machineLine(m: Record<string, unknown>): string {
  const stores = (m["stores"] ?? {}) as Record<string, string>;
  const versions = Object.keys(stores).length > 0
    ? Object.entries(stores).map(([k, v]) => `${k} ${v}`).join(", ")
    : `lmdb ${String(m["lmdb"] ?? "?")}`;
  return `${String(m["cores"] ?? "?")} cores (${String(m["cpu"] ?? "?")}), ${String(m["memoryGiB"] ?? "?")} GiB, Node ${String(m["node"] ?? "?")}; ${versions}; load at start ${JSON.stringify(m["loadAverageAtStart"] ?? [])}`;
}

/** One run: machine, command, figures, ratios, targets, notes. */
export function runMarkdown(r: BenchResult, file: string, resultsLink: string): string[] {
  const lines = [`Run ${r.startedAt} (${num(r.durationSec)} s), [${file}](${resultsLink}/${file})`, "", `- Machine: ${machineLine(r.machine)}`, `- Command: \`${commandOf(r)}\``, ""];
  const ratios = Object.entries(r.ratios);
  if (ratios.length > 0) {
    lines.push("| ratio (ours / ceiling, same run) | value |", "|---|---:|");
    for (const [name, v] of ratios) lines.push(`| ${cell(name)} | ${(v * 100).toFixed(1)}% |`);
    lines.push("");
  }
  const targets = Object.entries(r.targets);
  if (targets.length > 0) {
    lines.push("| target | wanted | this run | met |", "|---|---:|---:|---|");
    for (const [name, t] of targets) lines.push(`| ${cell(name)} | ${num(t.target)} | ${num(t.actual)} | ${t.met ? "yes" : "**missed**"} |`);
    lines.push("");
  }
  lines.push("| figure | value | unit |", "|---|---:|---|");
  for (const [name, f] of Object.entries(r.figures)) lines.push(`| ${cell(name)} | ${num(f.value)} | ${cell(f.unit)} |`);
  if (r.notes.length > 0) lines.push("", ...r.notes.map((n) => `- ${n}`));
  lines.push("");
  return lines;
}

/** A target summary: met / all, and the missed ones by name. */
function targetSummary(r: BenchResult): string {
  const all = Object.entries(r.targets);
  if (all.length === 0) return "none set";
  const missed = all.filter(([, t]) => !t.met).map(([name]) => name);
  return missed.length === 0 ? `${all.length}/${all.length} met` : `${all.length - missed.length}/${all.length} met; missed: ${missed.join("; ")}`;
}

function capacityMarkdown(model: CapacityModel, chartsLink: string, charts: readonly ReportChart[]): string[] {
  if (!model.available) return [`No capacity model yet: ${model.reason ?? ""}.`, ""];
  const lines = ["### The model", "", "Measured inputs (newest results):", "", "| input | value | unit | from |", "|---|---:|---|---|"];
  for (const i of model.inputs) lines.push(`| ${i.name} | ${num(i.value)} | ${i.unit} | ${i.source} |`);
  lines.push("", "Assumptions:", "", ...model.assumptions.map((a) => `- ${a}`), "", "Arithmetic:", "", "| step | arithmetic | result |", "|---|---|---:|");
  for (const s of model.steps) lines.push(`| ${s.label} | ${s.arithmetic} | ${num(s.value)} ${s.unit} |`);
  const a = model.answer;
  lines.push("", `**Answer: ${a.nodes.toLocaleString("en-US")} Cassandra nodes like this machine (${a.throughputNodes.toLocaleString("en-US")} for throughput, ${a.storageNodes.toLocaleString("en-US")} for storage) and ${a.ingestProcesses.toLocaleString("en-US")} ingest processes.**`, "");
  if (model.comparison.length > 0) {
    lines.push("One node against three nodes on this machine (RF 3, QUORUM):", "", "| operation | one node | three nodes | three / one |", "|---|---:|---:|---:|");
    for (const c of model.comparison) lines.push(`| ${c.name} (${c.unit}) | ${num(c.oneNode)} | ${num(c.threeNodes)} | ${((c.threeNodes / c.oneNode) * 100).toFixed(1)}% |`);
    lines.push("");
  }
  for (const c of charts) lines.push(`![${c.title}](${chartsLink}/${c.file})`, "");
  return lines;
}

/** RDG over each peer, against the targets: ingest at least 3x, 1-hop at least 2x. */
function peersMarkdown(latest: StoredResult | undefined): string[] {
  if (latest === undefined) return [];
  const rows = Object.entries(latest.result.ratios).filter(([name]) => /ingest|1-hop/i.test(name));
  if (rows.length === 0) return [];
  const lines = [`RDG over each peer in the newest run (${latest.result.startedAt}); targets: ingest at least 3x, 1-hop at least 2x:`, "", "| ratio (RDG / peer) | value | target | met |", "|---|---:|---:|---|"];
  for (const [name, v] of rows) {
    const target = /ingest/i.test(name) ? 3 : 2;
    lines.push(`| ${cell(name)} | ${v.toFixed(2)}x | ${target}x | ${v >= target ? "yes" : "**missed**"} |`);
  }
  return [...lines, ""];
}

/** Sections of the report in order, with the scenarios each shows (newest run first). */
function assignFamilies(groups: Map<string, StoredResult[]>): { family: ReportFamily; scenarios: string[] }[] {
  const known = new Set(REPORT_FAMILIES.flatMap((f) => f.scenarios));
  const other = [...groups.keys()].filter((s) => !known.has(s)).sort();
  return [...REPORT_FAMILIES, OTHER_FAMILY].map((family) => ({ family, scenarios: family.id === "other" ? other : family.scenarios.filter((s) => groups.has(s) || family.id === "peers" || family.id === "capacity" || family.id === "mixed") }));
}

/** The charts of a family (newest run of each of its scenarios). */
function familyCharts(family: ReportFamily, latest: StoredResult[], model: CapacityModel): ReportChart[] {
  if (family.id === "mixed") return mixedLoadCharts(latest[0]);
  if (family.id === "capacity") return [capacityChart(model), clusterChart(model)].filter((c): c is ReportChart => c !== undefined);
  const chart = ratioChart(`${family.id}.png`, family.title, latest);
  return chart === undefined ? [] : [chart];
}

/** The report as Markdown and its charts, from every result under `resultsDir`. */
export async function buildReport(paths: ReportPaths): Promise<{ markdown: string; charts: { file: string; png: Buffer }[] }> {
  const results = readResults(paths.resultsDir);
  const groups = byScenario(results);
  const model = capacityModel(results);
  const base = dirname(paths.reportFile);
  const resultsLink = relative(base, paths.resultsDir) || ".";
  const chartsLink = relative(base, paths.chartsDir) || ".";
  const lines = [
    "# RDG benchmark report",
    "",
    `Generated from ${results.length} result files under \`${resultsLink}/\` (newest ${results[0]?.result.startedAt ?? "none"}) by \`./run bench report\`; every \`./run bench\` run regenerates it. Each claim is a ratio measured in one run (ours against the raw store, the ceiling or the peer driven in the same run), with the absolute figures beside it and the machine described. The machine is shared and has 2 cores: runs are noisy, so compare ratios, not absolute figures across runs.`,
    "",
  ];
  const sections = assignFamilies(groups);
  lines.push("## Newest run of each scenario", "", "| scenario | newest run | runs | targets | command |", "|---|---|---:|---|---|");
  for (const { scenarios } of sections) {
    for (const s of scenarios) {
      const runs = groups.get(s);
      if (runs === undefined) continue;
      const r = runs[0]!.result;
      lines.push(`| [${s}](#${s}) | ${r.startedAt} | ${runs.length} | ${cell(targetSummary(r))} | \`${commandOf(r)}\` |`);
    }
  }
  lines.push("");
  const charts: { file: string; png: Buffer }[] = [];
  for (const [index, { family, scenarios }] of sections.entries()) {
    if (family.id === "other" && scenarios.length === 0) continue;
    lines.push(`## ${index + 1}. ${family.title}`, "", family.intro, "");
    const latest = scenarios.map((s) => groups.get(s)?.[0]).filter((r): r is StoredResult => r !== undefined);
    const made = familyCharts(family, latest, model);
    for (const c of made) charts.push({ file: c.file, png: await renderPng(c.spec) });
    if (family.id === "peers") lines.push(...peersMarkdown(latest[0]));
    if (family.id === "capacity") lines.push(...capacityMarkdown(model, chartsLink, made));
    else for (const c of made) lines.push(`![${c.title}](${chartsLink}/${c.file})`, "");
    if (scenarios.every((s) => !groups.has(s))) lines.push(`No result yet (run \`./run bench ${family.scenarios.join(" ")}\`).`, "");
    for (const s of scenarios) {
      const runs = groups.get(s);
      if (runs === undefined) continue;
      lines.push(`### ${s}`, "", `${runs.length} run${runs.length === 1 ? "" : "s"}, newest first.`, "");
      lines.push(...runMarkdown(runs[0]!.result, runs[0]!.file, resultsLink));
      for (const older of runs.slice(1)) {
        lines.push(`<details><summary>Older run ${older.result.startedAt}: ${cell(targetSummary(older.result))}</summary>`, "", ...runMarkdown(older.result, older.file, resultsLink), "</details>", "");
      }
    }
  }
  return { markdown: `${lines.join("\n").replace(/\n{3,}/g, "\n\n")}\n`, charts };
}

/** Writes the report and its charts (removing charts no longer made); returns what was written. */
export async function writeReport(paths: ReportPaths): Promise<{ reportFile: string; charts: string[] }> {
  const { markdown, charts } = await buildReport(paths);
  mkdirSync(paths.chartsDir, { recursive: true });
  const keep = new Set(charts.map((c) => c.file));
  for (const f of readdirSync(paths.chartsDir)) if (f.endsWith(".png") && !keep.has(f)) rmSync(join(paths.chartsDir, f));
  for (const c of charts) writeFileSync(join(paths.chartsDir, c.file), c.png);
  writeFileSync(paths.reportFile, markdown);
  return { reportFile: paths.reportFile, charts: charts.map((c) => join(paths.chartsDir, c.file)) };
}
