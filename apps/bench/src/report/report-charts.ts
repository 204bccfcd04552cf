import type { TopLevelSpec } from "vega-lite";
import type { CapacityModel } from "../capacity/capacity-model.js";
import type { StoredResult } from "./result-files.js";

/** A chart of the report: its file name under charts/ and its vega-lite spec. */
export interface ReportChart {
  readonly file: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

const WIDTH = 560;

/**
 * Every ratio of the newest run of each scenario, as a horizontal bar in percent with a rule
 * at 100% (ours equal to the ceiling), one colour per scenario.
 */
export function ratioChart(file: string, title: string, latest: readonly StoredResult[]): ReportChart | undefined {
  const values = latest.flatMap(({ result }) =>
    Object.entries(result.ratios)
      .filter(([, v]) => Number.isFinite(v))
      .map(([name, v]) => ({ scenario: result.scenario, ratio: `${result.scenario}: ${name}`.slice(0, 70), percent: Math.round(v * 1000) / 10 })),
  );
  if (values.length === 0) return undefined;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle: "ours / ceiling measured in the same run, newest run of each scenario (100% = equal)" },
    width: WIDTH,
    height: { step: 16 },
    data: { values },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y: { field: "ratio", type: "nominal", sort: null, title: null, axis: { labelLimit: 380 } },
          x: { field: "percent", type: "quantitative", title: "percent of the ceiling", scale: { type: "symlog" } },
          color: { field: "scenario", type: "nominal", legend: null },
        },
      },
      { mark: { type: "text", align: "left", dx: 3, fontSize: 10 }, encoding: { y: { field: "ratio", type: "nominal", sort: null }, x: { field: "percent", type: "quantitative" }, text: { field: "percent", type: "quantitative", format: ".1f" } } },
      { data: { values: [{ percent: 100 }] }, mark: { type: "rule", color: "#444", strokeDash: [4, 3] }, encoding: { x: { field: "percent", type: "quantitative" } } },
    ],
  };
  return { file, title, spec: spec as unknown as TopLevelSpec };
}

/** Grouped bars: each (group, side, value) with sides side by side. */
function pairedBars(file: string, title: string, subtitle: string, unit: string, values: { group: string; side: string; value: number }[]): ReportChart | undefined {
  if (values.length === 0) return undefined;
  const spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: title, subtitle },
    width: WIDTH,
    height: 220,
    data: { values },
    mark: "bar",
    encoding: {
      x: { field: "group", type: "nominal", title: null, axis: { labelAngle: 0, labelLimit: 200 } },
      xOffset: { field: "side", sort: null },
      y: { field: "value", type: "quantitative", title: unit },
      color: { field: "side", type: "nominal", sort: null, title: null },
    },
  };
  return { file, title, spec: spec as unknown as TopLevelSpec };
}

const MIXED = /^(.+): (read p50|read p99|write rate|graph mutations) (alone|under (?:writes|reads))$/;

/** Mixed load: read latencies alone and under writes, and write rates alone and under reads, per store. */
export function mixedLoadCharts(latest: StoredResult | undefined): ReportChart[] {
  if (latest === undefined) return [];
  const latency: { group: string; side: string; value: number }[] = [];
  const writes: { group: string; side: string; value: number }[] = [];
  for (const [name, f] of Object.entries(latest.result.figures)) {
    const m = MIXED.exec(name);
    if (m === null) continue;
    const [, store, what, when] = m as unknown as [string, string, string, string];
    if (what.startsWith("read")) latency.push({ group: `${store} ${what.slice(5)}`, side: when === "alone" ? "reads alone" : "reads under writes", value: f.value });
    else if (what === "graph mutations") writes.push({ group: store, side: when === "alone" ? "writes alone" : "writes under reads", value: f.value });
  }
  return [
    pairedBars("mixed-load-latency.png", "Mixed load: read latency", `newest run (${latest.result.startedAt}); lower is better`, "ms", latency),
    pairedBars("mixed-load-writes.png", "Mixed load: write rate", `newest run (${latest.result.startedAt}); higher is better`, "graph mutations/s", writes),
  ].filter((c): c is ReportChart => c !== undefined);
}

/** Capacity: nodes for throughput and for storage, and ingest processes. */
export function capacityChart(model: CapacityModel): ReportChart | undefined {
  if (!model.available) return undefined;
  const a = model.answer;
  return pairedBars("capacity.png", "Capacity model: Netflix's load on machines like this one", "from the newest one-node and three-node Cassandra results", "count", [
    { group: "nodes for throughput", side: "count", value: a.throughputNodes },
    { group: "nodes for storage", side: "count", value: a.storageNodes },
    { group: "ingest processes", side: "count", value: a.ingestProcesses },
  ]);
}

/** One-node vs three-node rates of the capacity runs. */
export function clusterChart(model: CapacityModel): ReportChart | undefined {
  return pairedBars("capacity-nodes.png", "Cassandra: one node vs three nodes (RF 3, QUORUM) on one machine", "client operations/s of the whole cluster", "operations/s", model.comparison.flatMap((c) => [
    { group: c.name, side: "one node", value: c.oneNode },
    { group: c.name, side: "three nodes", value: c.threeNodes },
  ]));
}
