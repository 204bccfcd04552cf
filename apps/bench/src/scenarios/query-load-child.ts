import autocannon from "autocannon";

/** One request of the load: the same list, in the same order, goes to every side. */
export interface ChildRequest {
  readonly method: "GET" | "POST";
  readonly path: string;
  readonly body?: string;
}

/** What the parent asks the child process to load. */
export interface ChildLoad {
  readonly url: string;
  readonly connections: number;
  readonly durationSec: number;
  readonly rate?: number;
  readonly requests: readonly ChildRequest[];
}

/** What the child measured. */
export interface ChildOutcome {
  readonly rps: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly answered: number;
  readonly non2xx: number;
  readonly errors: number;
  readonly bytesPerAnswer: number;
}

function percentiles(values: Float64Array): Pick<ChildOutcome, "p50" | "p90" | "p99" | "max"> {
  const v = values.sort();
  const at = (q: number): number => (v.length === 0 ? 0 : v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)]!);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: v.length === 0 ? 0 : v[v.length - 1]! };
}

/**
 * autocannon in a process of its own, so the server under test (in the parent) and the load
 * generator each have a core. Latencies are kept exactly (autocannon's histogram counts whole
 * milliseconds).
 */
async function run(load: ChildLoad): Promise<ChildOutcome> {
  let latencies = new Float64Array(1 << 16);
  let n = 0;
  let next = 0;
  const requests = load.requests;
  const instance = autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.durationSec,
    ...(load.rate === undefined ? {} : { overallRate: load.rate }),
    requests: [
      {
        setupRequest: (req) => {
          const r = requests[next++ % requests.length]!;
          return r.body === undefined ? { ...req, method: r.method, path: r.path, body: undefined, headers: {} } : { ...req, method: r.method, path: r.path, body: r.body, headers: { "content-type": "application/json" } };
        },
      },
    ],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  (instance as unknown as NodeJS.EventEmitter).on("response", (_c: unknown, _status: number, _bytes: number, ms: number) => {
    if (n === latencies.length) {
      const grown = new Float64Array(n * 2);
      grown.set(latencies);
      latencies = grown;
    }
    latencies[n++] = ms;
  });
  const result = await instance;
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return { rps: n / seconds, ...percentiles(latencies.subarray(0, n)), answered: n, non2xx: result.non2xx, errors: result.errors, bytesPerAnswer: n === 0 ? 0 : result.throughput.total / n };
}

if (process.send !== undefined) {
  process.once("message", (load: ChildLoad) => {
    run(load).then(
      (outcome) => process.send!({ outcome }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
    );
  });
}
