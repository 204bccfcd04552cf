import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { IngestError, IngestOptionsError, IngestPrometheusMetrics, MetricsServer } from "../src/index.js";
import { sample } from "./support/prometheus-text.js";

/** One HTTP exchange, without fetch's connection pool (so a closed server is seen at once). */
function call(url: string, method = "GET"): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      let body = "";
      res.on("data", (b: Buffer) => (body += b.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("MetricsServer", () => {
  it("serves the metrics in Prometheus text format at GET /metrics, on 127.0.0.1 by default", async () => {
    const prometheus = new IngestPrometheusMetrics({ processMetrics: false });
    prometheus.job("playback");
    await using server = await MetricsServer.listen(prometheus, { port: 0 });
    expect(server.host).toBe("127.0.0.1");
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const r = await call(server.url);
    expect(r.status).toBe(200);
    expect(r.headers["content-type"]).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(r.body).toMatch(/^# HELP rdg_ingest_events_total /m);
    expect(r.body).toMatch(/^# TYPE rdg_ingest_batch_write_seconds histogram$/m);
    expect(sample(r.body, "rdg_ingest_events_total", { job: "playback" })).toBe(0);
    // A query string is no other path.
    expect((await call(`${server.url}?x=1`)).status).toBe(200);
    const head = await call(server.url, "HEAD");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("answers 404 for another path and 405 (with Allow) for another method", async () => {
    await using server = await MetricsServer.listen(new IngestPrometheusMetrics({ processMetrics: false }), { port: 0 });
    const base = `http://127.0.0.1:${server.port}`;
    for (const path of ["/", "/metrics/", "/healthz", "/metricsx"]) {
      const r = await call(`${base}${path}`);
      expect(r.status, path).toBe(404);
      expect(r.body).toMatch(/metrics are at \/metrics/);
    }
    for (const method of ["POST", "PUT", "DELETE"]) {
      const r = await call(server.url, method);
      expect(r.status, method).toBe(405);
      expect(r.headers.allow).toBe("GET, HEAD");
    }
  });

  it("a port in use fails with an error naming the port, and the first server goes on serving", async () => {
    await using first = await MetricsServer.listen(new IngestPrometheusMetrics({ processMetrics: false }), { port: 0 });
    const error = await MetricsServer.listen(new IngestPrometheusMetrics({ processMetrics: false }), { port: first.port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IngestOptionsError);
    expect(IngestError.isInstance(error) && error.field).toBe("port");
    expect((error as Error).message).toBe(`[ingest] port: ${first.port} is in use on 127.0.0.1; pass another port, or stop the process listening there`);
    expect((await call(first.url)).status).toBe(200);
  });

  it("refuses a port that is not one and an address not of this machine, before anything listens", async () => {
    const prometheus = new IngestPrometheusMetrics({ processMetrics: false });
    for (const port of [-1, 65536, 1.5, Number.NaN]) {
      await expect(MetricsServer.listen(prometheus, { port })).rejects.toThrow(/port: must be a TCP port, 0 to 65535/);
    }
    await expect(MetricsServer.listen(prometheus, { port: 0, host: "192.0.2.1" })).rejects.toThrow(/host: 192\.0\.2\.1 is not an address of this machine/);
  });

  it("a failing scrape answers 500 with the reason; after close nothing listens", async () => {
    const server = await MetricsServer.listen({ contentType: "text/plain", metrics: () => Promise.reject(new Error("collector broke")) }, { port: 0, path: "/m" });
    const r = await call(server.url);
    expect(r.status).toBe(500);
    expect(r.body).toBe("metrics failed: collector broke\n");
    await server.close();
    await server.close(); // once
    await expect(call(server.url)).rejects.toThrow(/ECONNREFUSED/);
  });
});
