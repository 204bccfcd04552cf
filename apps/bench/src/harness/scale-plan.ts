/** How big a run is: `small` fits `all` in under 20 minutes on a 2-core machine; `medium` is each scenario's own default; `large` three times it. */
export type BenchScale = "small" | "medium" | "large";

export const SCALES: readonly BenchScale[] = ["small", "medium", "large"];

/**
 * `--seconds` of each scenario at `--scale small`, chosen from the committed runs' durations
 * (a scenario's wall time is its seconds times a factor of its own, plus fixed costs such as
 * loading a graph): the comment is the wall time this budget gave or is expected to give.
 * A scenario not listed gets a third of its default, at least 5.
 */
const SMALL_SECONDS: Readonly<Record<string, number>> = {
  "kv-lmdb": 6, // 18 phases of seconds/3: ~40 s
  "graph-writes": 10, // ~13 s
  "graph-reads": 12, // loads 500,000 events first: ~28 s
  "embedded-e2e": 15, // ~20 s
  "embedded-e2e-workers": 20, // + 10 s single-threaded: ~40 s
  "query-http": 44, // loads 1M events first (~70 s): ~130 s
  "query-inprocess": 12, // shares query-http's graph in one run
  "graph-writes-redis": 8,
  "graph-writes-cassandra": 10,
  "kv-redis": 4, // ~32 s
  generator: 14,
  "kv-redis-cluster": 9, // ~32 s
  "kv-cassandra": 6, // ~40 s and compaction settling
  "kafka-produce": 6, // 300,000 records a round
  "kafka-consume": 6,
  "kafka-e2e-lmdb": 10,
  "kafka-e2e-redis": 10,
  "kafka-backpressure": 5, // a 5 s stall; 1M records published first: ~35 s
  "kafka-e2e-cassandra": 10,
  micro: 10,
  "mixed-load": 30, // 7 phases of 2 stores: ~60 s
  "capacity-cassandra": 12,
  peers: 40, // seconds x 1,000 events on LMDB (x 70 on Cassandra) for each peer
};

/** Seconds a scenario gets at a scale, given its own default (the medium scale). */
export function secondsAt(scale: BenchScale, scenario: string, defaultSeconds: number): number {
  if (scale === "medium") return defaultSeconds;
  if (scale === "large") return defaultSeconds * 3;
  return SMALL_SECONDS[scenario] ?? Math.max(5, Math.round(defaultSeconds / 3));
}
