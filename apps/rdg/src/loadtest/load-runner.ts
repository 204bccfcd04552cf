import autocannon from "autocannon";
import type { LoadRequest } from "./load-profiles.js";
import type { LatencyStat, LoadSummary } from "./slo.js";

/** How to load: where, how long, how many connections, at what rate. */
export interface LoadSettings {
  readonly url: string;
  readonly durationSec: number;
  readonly connections: number;
  /** Requests per second over all connections (autocannon's `overallRate`); unset: as fast as answered. */
  readonly rate?: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly next: () => LoadRequest;
  /** Called about once a second with the requests answered so far and in the last second. */
  readonly onTick?: (p: { elapsedSec: number; answered: number; lastSecond: number; failed: number }) => void;
}

/** What a run measured: the SLO's figures, and the counts behind them. */
export interface LoadOutcome extends LoadSummary {
  readonly answered: number;
  readonly sent: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
  readonly statusCounts: Readonly<Record<string, number>>;
  readonly kinds: Readonly<Record<string, number>>;
  readonly bytesPerAnswer: number;
  readonly elapsedSec: number;
}

/**
 * Exact percentiles of recorded latencies. autocannon's own histogram counts whole
 * milliseconds, too coarse for answers that take a fraction of one; every answer's time is
 * kept here instead (8 bytes each).
 */
export class LatencyRecorder {
  #values = new Float64Array(1 << 16);
  #n = 0;

  record(ms: number): void {
    if (this.#n === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#n++] = ms;
  }

  get count(): number {
    return this.#n;
  }

  summary(): Record<LatencyStat, number> {
    const v = this.#values.subarray(0, this.#n).sort();
    const at = (q: number): number => (v.length === 0 ? 0 : v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]!);
    let sum = 0;
    for (const x of v) sum += x;
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), "p99.9": at(0.999), max: v.length === 0 ? 0 : v[v.length - 1]!, mean: v.length === 0 ? 0 : sum / v.length };
  }
}

/** Runs autocannon with a request made afresh for every send; resolves with what it measured. */
export async function runLoad(s: LoadSettings): Promise<LoadOutcome> {
  const latencies = new LatencyRecorder();
  const kinds: Record<string, number> = {};
  let answered = 0;
  let failed = 0;
  let lastTotal = 0;
  const started = performance.now();
  // Without a callback autocannon returns its instance (an event emitter), made thenable.
  const instance = autocannon({
    url: s.url,
    connections: s.connections,
    duration: s.durationSec,
    ...(s.rate === undefined ? {} : { overallRate: s.rate }),
    headers: { ...s.headers },
    requests: [
      {
        setupRequest: (req) => {
          const r = s.next();
          kinds[r.kind] = (kinds[r.kind] ?? 0) + 1;
          return r.body === undefined
            ? { ...req, method: r.method, path: r.path, body: undefined, headers: { ...s.headers } }
            : { ...req, method: r.method, path: r.path, body: r.body, headers: { ...s.headers, "content-type": "application/json" } };
        },
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  // autocannon emits (client, status, bytes, ms); its type definitions leave the client out.
  (instance as unknown as NodeJS.EventEmitter).on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    answered++;
    if (status < 200 || status > 299) failed++;
    latencies.record(ms);
  });
  instance.on("reqError", () => failed++);
  instance.on("tick", () => {
    s.onTick?.({ elapsedSec: (performance.now() - started) / 1000, answered, lastSecond: answered - lastTotal, failed });
    lastTotal = answered;
  });
  const stop = (): void => instance.stop();
  process.once("SIGINT", stop);
  try {
    const result = await instance;
    const elapsedSec = Math.max(1e-9, (result.finish.getTime() - result.start.getTime()) / 1000);
    const statusCounts = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, v.count ?? 0]));
    const sent = Math.max(result.requests.sent, answered + result.errors);
    return {
      latencyMs: latencies.summary(),
      rps: answered / elapsedSec,
      errorPercent: sent === 0 ? 0 : ((result.errors + result.non2xx) / sent) * 100,
      answered,
      sent,
      errors: result.errors,
      timeouts: result.timeouts,
      non2xx: result.non2xx,
      statusCounts,
      kinds,
      bytesPerAnswer: answered === 0 ? 0 : result.throughput.total / answered,
      elapsedSec,
    };
  } finally {
    process.removeListener("SIGINT", stop);
  }
}
