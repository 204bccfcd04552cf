import { Coalescer, MemberJourneyGenerator, mapMemberEvent } from "@rdg/ingest";
import { adjacencyKey, decodeAdjacencyKey, decodeValue, encodeValue, mutationKey, type Mutation, type PropertyValue } from "@rdg/model";
import { Packr } from "msgpackr";
import { Bench } from "tinybench";
import type { Scenario } from "../scenarios/scenario.js";

/** Items each task call handles: the functions take well under a microsecond, tinybench's own overhead would dominate one call. */
const BATCH = 1000;
const ROUNDS = 3;

/** The inputs every pair shares: generated ids, times and property values of the member-journey domain. */
function inputs(): { ids: string[]; times: number[]; keys: Uint8Array[]; values: PropertyValue[]; encoded: Uint8Array[]; mutations: Mutation[] } {
  const generator = new MemberJourneyGenerator({ seed: 42, startTime: Date.UTC(2026, 10, 25) });
  const events = generator.next(20_000);
  const mutations = events.flatMap((e) => mapMemberEvent(e));
  const ids = mutations.slice(0, BATCH).map((m) => ("to" in m ? m.to : m.id));
  const times = mutations.slice(0, BATCH).map((m) => m.time);
  const values: PropertyValue[] = [];
  for (const m of mutations) {
    if (values.length >= BATCH) break;
    if ("properties" in m && m.properties != null) for (const v of Object.values(m.properties)) if (v !== undefined && v !== null && values.length < BATCH) values.push(v as PropertyValue);
  }
  while (values.length < BATCH) values.push(values.length);
  return { ids, times, keys: ids.map((id, i) => adjacencyKey(times[i]!, id)), values, encoded: values.map((v) => encodeValue(v)), mutations };
}

interface Pair {
  readonly name: string;
  readonly unit: string;
  readonly itemsPerCall: number;
  readonly ours: () => unknown;
  readonly ceiling: () => unknown;
  readonly oursLabel: string;
  readonly ceilingLabel: string;
}

function pairs(): Pair[] {
  const { ids, times, keys, values, encoded, mutations } = inputs();
  const packr = new Packr({ useRecords: false, moreTypes: false });
  const window = mutations.slice(0, 10_000);
  let sink = 0;
  return [
    {
      name: "adjacency key encode", unit: "keys/s", itemsPerCall: BATCH, oursLabel: "adjacencyKey(time, id)", ceilingLabel: "Buffer.from(id)",
      ours: () => { for (let i = 0; i < BATCH; i++) sink += adjacencyKey(times[i]!, ids[i]!).length; },
      ceiling: () => { for (let i = 0; i < BATCH; i++) sink += Buffer.from(ids[i]!, "utf8").length; },
    },
    {
      name: "adjacency key decode", unit: "keys/s", itemsPerCall: BATCH, oursLabel: "decodeAdjacencyKey(key)", ceilingLabel: "Buffer#toString of the id bytes",
      ours: () => { for (let i = 0; i < BATCH; i++) sink += decodeAdjacencyKey(keys[i]!).other.length; },
      ceiling: () => { for (let i = 0; i < BATCH; i++) { const k = keys[i]!; sink += Buffer.from(k.buffer, k.byteOffset + 8, k.byteLength - 8).toString("utf8").length; } },
    },
    {
      name: "value encode", unit: "values/s", itemsPerCall: BATCH, oursLabel: "encodeValue(v)", ceilingLabel: "msgpackr pack(v)",
      ours: () => { for (let i = 0; i < BATCH; i++) sink += encodeValue(values[i]!).length; },
      ceiling: () => { for (let i = 0; i < BATCH; i++) sink += packr.pack(values[i]!).length; },
    },
    {
      name: "value decode", unit: "values/s", itemsPerCall: BATCH, oursLabel: "decodeValue(bytes)", ceilingLabel: "msgpackr unpack(bytes)",
      ours: () => { for (let i = 0; i < BATCH; i++) if (decodeValue(encoded[i]!) !== undefined) sink++; },
      ceiling: () => { for (let i = 0; i < BATCH; i++) if (packr.unpack(encoded[i]!) !== undefined) sink++; },
    },
    {
      name: "coalescer", unit: "mutations/s", itemsPerCall: window.length, oursLabel: "Coalescer add + drain (merge by node or edge)", ceilingLabel: "Map.set by mutationKey (last one wins, no merge)",
      ours: () => { const c = new Coalescer(); for (const m of window) c.add(m); sink += c.drain().length; },
      ceiling: () => { const map = new Map<string, Mutation>(); for (const m of window) map.set(mutationKey(m), m); sink += map.size; },
    },
  ];
}

/** Ops/s of one task: tinybench's mean calls/s times the items a call handles. */
async function measure(name: string, fn: () => unknown, ms: number, items: number): Promise<{ rate: number; rme: number }> {
  const bench = new Bench({ time: ms, warmupTime: Math.min(200, ms / 4) });
  bench.add(name, fn);
  await bench.run();
  const r = bench.tasks[0]!.result;
  if (r.state !== "completed") throw new Error(`[bench] micro task "${name}" ended ${r.state}`);
  return { rate: r.throughput.mean * items, rme: r.throughput.rme };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

/**
 * Hot functions timed with tinybench, each beside the plainest code that produces the same
 * bytes or map (the ceiling), alternating for three rounds, medians.
 */
export const microScenario: Scenario = async (s) => {
  const list = pairs();
  const ms = Math.max(100, (s.seconds * 1000) / (list.length * 2 * ROUNDS));
  const figures: Record<string, { value: number; unit: string }> = {};
  const ratios: Record<string, number> = {};
  const rmes: string[] = [];
  for (const p of list) {
    const ours: number[] = [];
    const ceiling: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      s.progress(`micro: ${p.name}, round ${r + 1} of ${ROUNDS}`);
      const c = await measure(p.ceilingLabel, p.ceiling, ms, p.itemsPerCall);
      const o = await measure(p.oursLabel, p.ours, ms, p.itemsPerCall);
      ceiling.push(c.rate);
      ours.push(o.rate);
      rmes.push(`${p.name} ±${o.rme.toFixed(1)}% / ±${c.rme.toFixed(1)}%`);
    }
    figures[`${p.name}: ${p.oursLabel}`] = { value: median(ours), unit: p.unit };
    figures[`${p.name}: ${p.ceilingLabel}`] = { value: median(ceiling), unit: p.unit };
    ratios[p.name] = median(ours) / median(ceiling);
  }
  return {
    scenario: "micro",
    settings: { seconds: s.seconds, rounds: ROUNDS, msPerTask: Math.round(ms), itemsPerCall: BATCH, coalescerWindow: 10_000, tinybench: "6", inputs: "member-journey generator, seed 42, 20,000 events" },
    figures,
    ratios,
    targets: {},
    notes: [
      "Each pair runs the same inputs (ids, times, values and mutations of 20,000 generated member-journey events) through ours and through the plainest code that makes the same bytes or map, with tinybench (a task call handles 1,000 items, 10,000 mutations for the coalescer), three alternating rounds, medians. A ratio above 100% is ours faster than that ceiling.",
      "The ceilings are not equivalent work: Buffer.from(id) does not write the 8-byte time, the Map does not merge properties; the ratio says what the extra work costs.",
      `Relative margin of error of each round (ours / ceiling): ${rmes.join("; ")}.`,
    ],
  };
};
