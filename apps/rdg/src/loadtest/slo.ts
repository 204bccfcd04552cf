import { refusal } from "../cli-error.js";

/** What a load test measured, in the units the SLO grammar speaks. */
export interface LoadSummary {
  /** Latency percentiles and extremes of answered requests, milliseconds. */
  readonly latencyMs: Readonly<Record<LatencyStat, number>>;
  /** Answered requests per second over the run. */
  readonly rps: number;
  /** Percent of requests that failed: connection errors, timeouts and non-2xx answers, over every request. */
  readonly errorPercent: number;
}

export type LatencyStat = "p50" | "p90" | "p99" | "p99.9" | "max" | "mean";
type Metric = LatencyStat | "errors" | "rps";
type Op = "<" | "<=" | ">" | ">=";

/** One clause of an SLO: `p99<20ms`, `errors<0.1%`, `rps>=500`. */
export interface SloClause {
  readonly text: string;
  readonly metric: Metric;
  readonly op: Op;
  /** The bound in the metric's unit: ms for latencies, percent for errors, requests/s for rps. */
  readonly bound: number;
}

const LATENCY: readonly LatencyStat[] = ["p50", "p90", "p99", "p99.9", "max", "mean"];
const TO_MS: Readonly<Record<string, number>> = { us: 0.001, "µs": 0.001, ms: 1, s: 1000 };
const CLAUSE = /^(p50|p90|p99\.9|p99|max|mean|errors|rps)\s*(<=|>=|<|>)\s*(\d+(?:\.\d+)?)\s*([a-zµ%/]*)$/;
export const SLO_GRAMMAR: string = `comma-separated clauses: a latency (${LATENCY.join(", ")}) below a time in us, ms or s ("p99<20ms"), errors below a percentage ("errors<0.1%"), or rps above a number ("rps>=500")`;

/** Parses `--slo`, strictly: a clause it cannot read refuses the command (exit 2) and names the clause. */
export function parseSlo(text: string): SloClause[] {
  const parts = text.split(",").map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === "")) throw refusal(`--slo is empty; give ${SLO_GRAMMAR}`);
  const seen = new Set<string>();
  return parts.map((part) => {
    const m = CLAUSE.exec(part);
    const bad = (why: string) => refusal(`--slo: "${part}" ${why}`);
    if (m === null) throw bad(`${part === "" ? "is an empty clause" : "is not a clause"}; give ${SLO_GRAMMAR}`);
    const [, metricText, opText, number, unit] = m as unknown as [string, Metric, Op, string, string];
    const metric = metricText;
    const op = opText;
    let bound = Number(number);
    if ((LATENCY as readonly string[]).includes(metric)) {
      if (op.startsWith(">")) throw bad(`bounds a latency from below; write ${metric}<...`);
      const factor = TO_MS[unit];
      if (factor === undefined) throw bad(unit === "" ? "has no unit; write ms, us or s" : `has unit "${unit}"; write ms, us or s`);
      bound *= factor;
    } else if (metric === "errors") {
      if (op.startsWith(">")) throw bad("bounds errors from below; write errors<...%");
      if (unit !== "%") throw bad('needs a percentage, e.g. "errors<0.1%"');
      if (bound > 100) throw bad("is over 100%");
    } else {
      if (op.startsWith("<")) throw bad("bounds the rate from above; write rps>...");
      if (unit !== "" && unit !== "/s") throw bad(`has unit "${unit}"; rps is requests per second, write e.g. "rps>=500"`);
    }
    if (seen.has(metric)) throw bad(`names ${metric} twice`);
    seen.add(metric);
    return { text: part, metric, op, bound };
  });
}

/** A clause's measured value, in the clause's unit. */
export function measuredValue(clause: SloClause, s: LoadSummary): number {
  if (clause.metric === "errors") return s.errorPercent;
  if (clause.metric === "rps") return s.rps;
  return s.latencyMs[clause.metric];
}

/** Whether the measured value keeps the clause. */
export function clauseMet(clause: SloClause, s: LoadSummary): boolean {
  const v = measuredValue(clause, s);
  switch (clause.op) {
    case "<": return v < clause.bound;
    case "<=": return v <= clause.bound;
    case ">": return v > clause.bound;
    case ">=": return v >= clause.bound;
  }
}

/** The unit a clause's value is in, for tables and the result file. */
export const clauseUnit = (clause: SloClause): string => (clause.metric === "errors" ? "%" : clause.metric === "rps" ? "req/s" : "ms");
