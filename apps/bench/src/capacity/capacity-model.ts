import type { BenchResult } from "../report/bench-result.js";
import type { StoredResult } from "../report/result-files.js";

/** The scenario whose results the model reads. */
export const CAPACITY_SCENARIO = "capacity-cassandra";

/** Netflix's load, as its engineering posts give it. */
export const NETFLIX_LOAD: Readonly<{ writesPerSecond: number; readsPerSecond: number; nodes: number; edges: number; lookbackDays: number }> = Object.freeze({
  writesPerSecond: 6_000_000,
  readsPerSecond: 2_000_000,
  nodes: 8_000_000_000,
  edges: 150_000_000_000,
  lookbackDays: 100,
});

/** What the model assumes beyond what was measured; each is printed in the report. */
export const CAPACITY_ASSUMPTIONS: Readonly<{ replicationFactor: number; utilisation: number; diskBytesPerNode: number; diskFillLimit: number }> = Object.freeze({
  /** Replicas of every row (the three-node run's keyspace). */
  replicationFactor: 3,
  /** Share of measured capacity a node or process runs at, leaving the rest for peaks, compaction, repair and a lost node. */
  utilisation: 0.5,
  /** Usable disk per node, and how full it may get (Cassandra's compaction wants free space beside the data). */
  diskBytesPerNode: 2e12,
  diskFillLimit: 0.5,
});

/** The figure names a capacity result carries. */
export const CAPACITY_FIGURES: Readonly<Record<"writes" | "gets" | "ranges" | "ingestKvWrites" | "ingestMutations" | "bytesPerNode" | "bytesPerEdge" | "diskPerLogical", string>> = Object.freeze({
  writes: "cluster KV writes",
  gets: "cluster KV gets",
  ranges: "cluster KV 50-item ranges",
  ingestKvWrites: "ingest process: KV writes",
  ingestMutations: "ingest process: graph mutations",
  bytesPerNode: "logical bytes per graph node",
  bytesPerEdge: "logical bytes per graph edge",
  diskPerLogical: "on-disk bytes per logical byte (one replica)",
});

export interface ModelInput {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly source: string;
}

export interface ModelStep {
  readonly label: string;
  readonly arithmetic: string;
  readonly value: number;
  readonly unit: string;
}

export interface CapacityModel {
  /** False when no capacity result exists; `reason` says what to run. */
  readonly available: boolean;
  readonly reason?: string;
  readonly inputs: ModelInput[];
  readonly assumptions: string[];
  readonly steps: ModelStep[];
  readonly answer: { readonly storageNodes: number; readonly throughputNodes: number; readonly nodes: number; readonly ingestProcesses: number };
  /** The one-node and three-node runs side by side: what replication at QUORUM costs here. */
  readonly comparison: { readonly name: string; readonly oneNode: number; readonly threeNodes: number; readonly unit: string }[];
}

const nodesOf = (r: BenchResult): number => Number(r.settings["nodes"] ?? 0);
const fig = (r: StoredResult, name: string): ModelInput => {
  const f = r.result.figures[name];
  if (f === undefined || !Number.isFinite(f.value) || f.value <= 0) throw new Error(`[bench] ${r.file} has no figure "${name}": run ./run bench ${CAPACITY_SCENARIO} again`);
  return { name, value: f.value, unit: f.unit, source: r.file };
};
const n = (x: number): string => (Math.abs(x) >= 100 ? Math.round(x).toLocaleString("en-US") : x.toPrecision(3));
const up = (x: number, multiple = 1): number => Math.ceil(x / multiple - 1e-9) * multiple;

/**
 * Nodes and ingest processes for Netflix's load, from the newest one-node and three-node
 * capacity results among `results` (newest first). A newer result changes the numbers.
 */
export function capacityModel(results: readonly StoredResult[]): CapacityModel {
  const runs = results.filter((r) => r.result.scenario === CAPACITY_SCENARIO);
  // The newest run of each size that carries every figure the model reads: a run that could not
  // measure one (say, its bytes on disk) is passed over, not allowed to stop the whole report.
  const needed = [CAPACITY_FIGURES.writes, CAPACITY_FIGURES.gets, CAPACITY_FIGURES.ingestKvWrites, CAPACITY_FIGURES.bytesPerNode, CAPACITY_FIGURES.bytesPerEdge, CAPACITY_FIGURES.diskPerLogical];
  const missing = (r: StoredResult): string | undefined => needed.find((name) => !(Number.isFinite(r.result.figures[name]?.value) && r.result.figures[name]!.value > 0));
  const one = runs.find((r) => nodesOf(r.result) === 1 && missing(r) === undefined);
  const three = runs.find((r) => nodesOf(r.result) === 3 && missing(r) === undefined);
  const empty = { inputs: [], assumptions: [], steps: [], answer: { storageNodes: 0, throughputNodes: 0, nodes: 0, ingestProcesses: 0 }, comparison: [] };
  if (one === undefined && three === undefined) {
    const newest = runs[0];
    const why = newest === undefined ? `no ${CAPACITY_SCENARIO} result` : `no ${CAPACITY_SCENARIO} result carries every figure the model reads (the newest, ${newest.file}, has no "${missing(newest) ?? "?"}")`;
    return { available: false, reason: `${why}: run ./run bench ${CAPACITY_SCENARIO} on one node, and again after services/cassandra.sh start --nodes 3`, ...empty };
  }
  const A = CAPACITY_ASSUMPTIONS;
  const L = NETFLIX_LOAD;
  const base = one ?? three!;
  const cluster = three ?? one!;
  const rf = A.replicationFactor;
  const w = fig(cluster, CAPACITY_FIGURES.writes);
  const r = fig(cluster, CAPACITY_FIGURES.gets);
  const ingest = fig(base, CAPACITY_FIGURES.ingestKvWrites);
  const bNode = fig(base, CAPACITY_FIGURES.bytesPerNode);
  const bEdge = fig(base, CAPACITY_FIGURES.bytesPerEdge);
  const disk = fig(base, CAPACITY_FIGURES.diskPerLogical);
  const inputs = [w, r, ingest, bNode, bEdge, disk];
  const assumptions = [
    `Netflix's load: ${n(L.writesPerSecond)} writes/s and ${n(L.readsPerSecond)} reads/s, counted as KV operations (item writes and point reads, the layer Netflix's figures are given at); ${n(L.nodes)} nodes and ${n(L.edges)} edges live, the edges being what a ${L.lookbackDays}-day lookback keeps (older ones expire by TTL).`,
    `A node is a machine like the one measured (${String(cluster.result.machine["cores"])} cores, ${String(cluster.result.machine["memoryGiB"])} GiB), one Cassandra node per machine, replication factor ${rf}, writes and reads at QUORUM.`,
    three === undefined
      ? `No three-node result: the per-node rates are the one-node run's divided by the replication factor (every write lands on ${rf} replicas), which ignores coordination cost. Run the three-node scenario to replace this.`
      : `The three-node run put three nodes on this one machine, so its cluster rates are what one machine's cores deliver as a replicated cluster: with each node on its own machine, each node adds that much (linear scaling of a CPU-bound cluster, which Cassandra's shared-nothing ring approaches for writes and point reads spread by the partitioner).`,
    `The load generator shared the machine with the nodes in every run, so the per-node rates are lower bounds and the node counts upper bounds.`,
    `Each node and ingest process runs at ${A.utilisation * 100}% of its measured capacity (the rest for peaks, compaction, repair and a lost node); reads and writes share a node's capacity in proportion.`,
    `Storage: logical bytes per node and per edge from graph.stats() after loading generated events into Cassandra, times the measured on-disk bytes per logical byte after a flush (compression, per-row overhead), times ${rf} replicas; ${n(A.diskBytesPerNode / 1e12)} TB usable disk a node, filled to at most ${A.diskFillLimit * 100}%.`,
    `Ingest processes: one process's KV writes/s into Cassandra as measured (the process shared the cores with the node it wrote to, so a lower bound); Kafka needs at least that many partitions per topic group.`,
  ];
  const perNodeWrites = three === undefined ? w.value / rf : w.value;
  const perNodeReads = three === undefined ? r.value / rf : r.value;
  const steps: ModelStep[] = [];
  const step = (label: string, arithmetic: string, value: number, unit: string): number => {
    steps.push({ label, arithmetic, value, unit });
    return value;
  };
  step("client writes/s one node adds", three === undefined ? `${n(w.value)} / ${rf}` : `${n(w.value)} (three-node cluster on one machine)`, perNodeWrites, "writes/s");
  step("client reads/s one node adds", three === undefined ? `${n(r.value)} / ${rf}` : `${n(r.value)} (three-node cluster on one machine)`, perNodeReads, "reads/s");
  const writeShare = step("node-equivalents for writes", `${n(L.writesPerSecond)} / ${n(perNodeWrites)}`, L.writesPerSecond / perNodeWrites, "nodes");
  const readShare = step("node-equivalents for reads", `${n(L.readsPerSecond)} / ${n(perNodeReads)}`, L.readsPerSecond / perNodeReads, "nodes");
  const throughputNodes = step("nodes for throughput", `ceil((${n(writeShare)} + ${n(readShare)}) / ${A.utilisation}) to a multiple of ${rf}`, up((writeShare + readShare) / A.utilisation, rf), "nodes");
  const logical = step("logical bytes", `${n(L.nodes)} x ${n(bNode.value)} + ${n(L.edges)} x ${n(bEdge.value)}`, L.nodes * bNode.value + L.edges * bEdge.value, "bytes");
  const onDisk = step("bytes on disk, all replicas", `${n(logical)} x ${n(disk.value)} x ${rf}`, logical * disk.value * rf, "bytes");
  const storageNodes = step("nodes for storage", `ceil(${n(onDisk)} / (${n(A.diskBytesPerNode)} x ${A.diskFillLimit})) to a multiple of ${rf}`, up(onDisk / (A.diskBytesPerNode * A.diskFillLimit), rf), "nodes");
  const nodes = step("Cassandra nodes", `max(${n(throughputNodes)}, ${n(storageNodes)})`, Math.max(throughputNodes, storageNodes), "nodes");
  const ingestProcesses = step("ingest processes", `ceil(${n(L.writesPerSecond)} / (${n(ingest.value)} x ${A.utilisation}))`, up(L.writesPerSecond / (ingest.value * A.utilisation)), "processes");
  const comparison = [];
  if (one !== undefined && three !== undefined) {
    for (const [name, key] of [["KV writes", CAPACITY_FIGURES.writes], ["KV gets", CAPACITY_FIGURES.gets], ["KV 50-item ranges", CAPACITY_FIGURES.ranges], ["ingest KV writes", CAPACITY_FIGURES.ingestKvWrites]] as const) {
      const a = one.result.figures[key];
      const b = three.result.figures[key];
      if (a !== undefined && b !== undefined) comparison.push({ name, oneNode: a.value, threeNodes: b.value, unit: a.unit });
    }
  }
  return { available: true, inputs, assumptions, steps, answer: { storageNodes, throughputNodes, nodes, ingestProcesses }, comparison };
}
