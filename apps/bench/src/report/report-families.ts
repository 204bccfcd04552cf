/** A section of the report: the scenarios it gathers and what a reader should look for. */
export interface ReportFamily {
  readonly id: string;
  readonly title: string;
  readonly intro: string;
  readonly scenarios: readonly string[];
}

/** The report's sections, in order; a scenario in none of them lands in the last. */
export const REPORT_FAMILIES: readonly ReportFamily[] = [
  {
    id: "stores",
    title: "Every store against its raw client",
    intro: "The KV layer and the graph on each store, each against the store's own client driven directly in the same run (ratio = ours / raw).",
    scenarios: ["kv-lmdb", "kv-redis", "kv-redis-cluster", "kv-cassandra", "graph-writes", "graph-writes-redis", "graph-writes-cassandra", "graph-reads"],
  },
  {
    id: "pipelines",
    title: "The embedded and Kafka pipelines",
    intro: "Generator -> ingestion job -> graph, in process and through Kafka, against the raw store's puts, the in-process pipeline or Kafka's own tools, measured in the same run.",
    scenarios: ["embedded-e2e", "embedded-e2e-workers", "generator", "kafka-produce", "kafka-consume", "kafka-e2e-lmdb", "kafka-e2e-redis", "kafka-e2e-cassandra", "kafka-backpressure"],
  },
  {
    id: "query",
    title: "Queries beside the HTTP ceiling",
    intro: "The query server over HTTP against node:http answering the same bytes, and graph reads in process against raw lmdb-js ranges.",
    scenarios: ["query-http", "query-inprocess"],
  },
  {
    id: "mixed",
    title: "Mixed load: reads under writes",
    intro: "Ingestion writes while reads run at about one read to three writes (Netflix's ratio), on LMDB and Redis: read latencies beside reads alone, write rates beside writes alone, each pair from one run.",
    scenarios: ["mixed-load"],
  },
  {
    id: "peers",
    title: "Peers on the same workload",
    intro: "RDG beside the graph databases a team would otherwise pick, on the same generated stream and questions (ratios = RDG / peer; targets: ingest at least 3x each peer, 1-hop at least 2x at an equal or better p99).",
    scenarios: ["peers"],
  },
  {
    id: "capacity",
    title: "Capacity model for Netflix's load",
    intro: "Measured per-node rates of the Cassandra store on one node and on three, and what they say Netflix's load would need.",
    scenarios: ["capacity-cassandra"],
  },
  {
    id: "micro",
    title: "Micro-benchmarks",
    intro: "Hot functions timed with tinybench: the key and value codecs and the coalescer.",
    scenarios: ["micro"],
  },
];

export const OTHER_FAMILY: ReportFamily = { id: "other", title: "Other scenarios", intro: "Scenarios no section above gathers.", scenarios: [] };
