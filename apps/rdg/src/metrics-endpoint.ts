import { IngestError, IngestPrometheusMetrics, MetricsServer } from "@rdg/ingest";
import { refusal } from "./cli-error.js";

/** The metrics flags of `rdg ingest`. */
export interface MetricsFlags {
  /** `--metrics-port`: serve Prometheus metrics there; 0 takes a free port. */
  readonly metricsPort?: number;
  /** `--metrics-host`: the address to bind. @default 127.0.0.1 */
  readonly metricsHost?: string;
}

/** Ingestion metrics served over HTTP while jobs run: give each job `prometheus.job(name)`. */
export interface MetricsEndpoint {
  readonly prometheus: IngestPrometheusMetrics;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts the metrics server when `--metrics-port` is given, and says where on stderr. A port in
 * use or a host not of this machine is a refusal (exit 2) naming the flag, before any job starts.
 */
export async function startMetricsEndpoint(flags: MetricsFlags): Promise<MetricsEndpoint | undefined> {
  if (flags.metricsPort === undefined) {
    if (flags.metricsHost !== undefined) throw refusal("--metrics-host goes with --metrics-port <port>");
    return undefined;
  }
  // A failing lag read is reported once per new reason, not at every scrape.
  const lastLagError = new Map<string, string>();
  const prometheus = new IngestPrometheusMetrics({
    onLagError: (job, error) => {
      const reason = error instanceof Error ? error.message : String(error);
      if (lastLagError.get(job) === reason) return;
      lastLagError.set(job, reason);
      process.stderr.write(`metrics: consumer lag of job ${job} left out of the scrape: ${reason}\n`);
    },
  });
  let server: MetricsServer;
  try {
    server = await MetricsServer.listen(prometheus, { port: flags.metricsPort, host: flags.metricsHost });
  } catch (error) {
    if (!IngestError.isInstance(error) || error.code !== "INVALID_ARGUMENT") throw error;
    const flag = error.field === "host" ? "--metrics-host" : "--metrics-port";
    throw refusal(`${flag}: ${error.message.replace(/^\[ingest\] [^:]+: /, "")}`);
  }
  process.stderr.write(`metrics at ${server.url} (Prometheus text format)\n`);
  return { prometheus, url: server.url, close: () => server.close() };
}
