import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Request latency buckets, in seconds: 0.25 ms to 10 s. */
export const REQUEST_BUCKETS_SECONDS: readonly number[] = Object.freeze([0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** What the cache gauges read at scrape time. */
export interface CacheGauges {
  readonly size: number;
  readonly bytes: number;
}

/**
 * The server's Prometheus series, in a registry of its own (several servers, or a server beside
 * an ingestion job, in one process do not collide): requests and their latency by route, method
 * and status; cache hits, misses, entries and bytes; events applied and rejected by topic.
 */
export class ServerMetrics {
  readonly registry: Registry;
  readonly #requests: Counter<"route" | "method" | "status">;
  readonly #latency: Histogram<"route" | "method" | "status">;
  readonly #cacheHits: Counter<"kind">;
  readonly #cacheMisses: Counter<"kind">;
  readonly #events: Counter<"topic" | "outcome">;

  constructor(cache: () => CacheGauges, options: { readonly processMetrics?: boolean } = {}) {
    const registry = (this.registry = new Registry());
    this.#requests = new Counter({ name: "rdg_server_requests_total", help: "HTTP requests answered, by route pattern, method and status", labelNames: ["route", "method", "status"], registers: [registry] });
    this.#latency = new Histogram({
      name: "rdg_server_request_duration_seconds",
      help: "Time from a request's arrival to its answer, by route pattern, method and status",
      labelNames: ["route", "method", "status"],
      buckets: [...REQUEST_BUCKETS_SECONDS],
      registers: [registry],
    });
    this.#cacheHits = new Counter({ name: "rdg_server_cache_hits_total", help: "Reads answered from the cache, by kind (node, edges)", labelNames: ["kind"], registers: [registry] });
    this.#cacheMisses = new Counter({ name: "rdg_server_cache_misses_total", help: "Cacheable reads that went to the store, by kind (node, edges)", labelNames: ["kind"], registers: [registry] });
    new Gauge({ name: "rdg_server_cache_entries", help: "Entries in the cache", registers: [registry], collect() { this.set(cache().size); } });
    new Gauge({ name: "rdg_server_cache_bytes", help: "Estimated bytes of the cache's entries", registers: [registry], collect() { this.set(cache().bytes); } });
    this.#events = new Counter({ name: "rdg_server_events_total", help: "Events posted to /v1/events, by topic and outcome (applied, rejected)", labelNames: ["topic", "outcome"], registers: [registry] });
    if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  }

  request(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    this.#requests.inc(labels);
    this.#latency.observe(labels, seconds);
  }

  cache(kind: "node" | "edges", hit: boolean): void {
    (hit ? this.#cacheHits : this.#cacheMisses).inc({ kind });
  }

  events(topic: string, applied: number, rejected: number): void {
    if (applied > 0) this.#events.inc({ topic, outcome: "applied" }, applied);
    if (rejected > 0) this.#events.inc({ topic, outcome: "rejected" }, rejected);
  }
}
