import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeMachine } from "../report/machine.js";
import { toMarkdown, writeResult } from "../report/write-result.js";
import type { Scenario } from "../scenarios/scenario.js";
import { secondsAt, type BenchScale } from "./scale-plan.js";
import { missingService } from "./service-check.js";

/** One entry of the bench's catalogue. */
export interface CatalogEntry {
  readonly run: Scenario;
  /** Seconds at the medium scale (the scenario's default). */
  readonly seconds: number;
  readonly about: string;
  /** Left out of `all` (named explicitly to run). */
  readonly explicitOnly?: boolean;
}

export interface RunOptions {
  readonly scale?: BenchScale;
  readonly seconds?: number;
  readonly sync: boolean;
  readonly out: string;
}

export interface RunSummary {
  readonly written: string[];
  readonly skipped: { name: string; reason: string }[];
  readonly failed: { name: string; reason: string }[];
}

/** The command that makes the same run of one scenario again, recorded in its result. */
export function commandFor(name: string, o: RunOptions): string {
  const parts = ["./run bench", name];
  if (o.scale !== undefined) parts.push(`--scale ${o.scale}`);
  if (o.seconds !== undefined) parts.push(`--seconds ${o.seconds}`);
  if (!o.sync) parts.push("--no-sync");
  return parts.join(" ");
}

/** The scenarios `all` stands for, in catalogue order. */
export function expandAll(names: readonly string[], catalog: Readonly<Record<string, CatalogEntry>>): string[] {
  const out: string[] = [];
  for (const name of names) {
    if (name === "all") out.push(...Object.keys(catalog).filter((k) => catalog[k]?.explicitOnly !== true));
    else out.push(name);
  }
  return [...new Set(out)];
}

/**
 * Runs each scenario in turn with its progress on stderr: one whose service is down is skipped
 * with the reason, one that throws is reported and the rest still run.
 */
export async function runScenarios(names: readonly string[], catalog: Readonly<Record<string, CatalogEntry>>, o: RunOptions): Promise<RunSummary> {
  const summary: RunSummary = { written: [], skipped: [], failed: [] };
  const t00 = performance.now();
  for (const [index, name] of names.entries()) {
    const entry = catalog[name]!;
    const seconds = o.seconds ?? secondsAt(o.scale ?? "medium", name, entry.seconds);
    const head = `[${index + 1}/${names.length}] ${name}`;
    const missing = await missingService(name);
    if (missing !== undefined) {
      process.stderr.write(`${head}: skipped, ${missing}\n`);
      summary.skipped.push({ name, reason: missing });
      continue;
    }
    process.stderr.write(`${head}: ${seconds} s (${o.scale ?? (o.seconds === undefined ? "medium" : "--seconds")}), ${((performance.now() - t00) / 60_000).toFixed(1)} min into the run\n`);
    const dataDir = mkdtempSync(join(tmpdir(), `rdg-bench-${name}-`));
    const startedAt = new Date().toISOString();
    const machine = describeMachine();
    const t0 = performance.now();
    let last = 0;
    try {
      const result = await entry.run({
        seconds,
        sync: o.sync,
        dataDir,
        scale: o.scale ?? "medium",
        progress: (text) => {
          const now = performance.now();
          if (now - last < 1000) return;
          last = now;
          process.stderr.write(`  [${name} ${((now - t0) / 1000).toFixed(0)}s] ${text}\n`);
        },
      });
      const full = { ...result, startedAt, machine, durationSec: (performance.now() - t0) / 1000, command: commandFor(name, o) };
      const path = writeResult(o.out, full);
      console.log(`\n${toMarkdown(full)}\nwritten: ${path}`);
      summary.written.push(path);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${head}: failed after ${((performance.now() - t0) / 1000).toFixed(0)} s: ${reason}\n`);
      summary.failed.push({ name, reason });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  return summary;
}
