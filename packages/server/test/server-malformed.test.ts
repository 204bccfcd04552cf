import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KvStore } from "@rdg/kv";
import { serverTestStores } from "./support/test-stores.js";
import { playStart, startTestServer, type TestServer } from "./support/test-server.js";

interface Malformed {
  readonly name: string;
  readonly method: string;
  readonly path: string | (() => string);
  readonly body?: unknown;
  readonly raw?: string;
  readonly headers?: Record<string, string>;
  readonly status: number;
  readonly code: string;
  /** What the message or field must name. */
  readonly says?: RegExp;
}

const NOW = Date.now();
const EDGES = "/v1/nodes/profile/p1/edges/watched";
const COUNT = `${EDGES}/count`;
const start = { type: "profile", id: "p1" };
const json = { "content-type": "application/json" };
const cursors: Record<string, string> = {};
const forged = (c: Record<string, unknown>): string => Buffer.from(JSON.stringify(c)).toString("base64url");

/** Every request here is wrong in one way; each gets its documented 4xx JSON answer. */
const MALFORMED: readonly Malformed[] = [
  { name: "malformed JSON", method: "POST", path: "/v1/nodes/batch", raw: "{not json", headers: json, status: 400, code: "INVALID_REQUEST", says: /not valid JSON/ },
  { name: "truncated JSON", method: "POST", path: "/v1/traverse", raw: '{"start": {"type": "profile"', headers: json, status: 400, code: "INVALID_REQUEST", says: /not valid JSON/ },
  { name: "empty JSON body", method: "POST", path: "/v1/nodes/batch", raw: "", headers: json, status: 400, code: "INVALID_REQUEST", says: /empty/ },
  { name: "prototype poisoning", method: "POST", path: "/v1/nodes/batch", raw: '{"nodes": [], "__proto__": {"x": 1}}', headers: json, status: 400, code: "INVALID_REQUEST" },
  { name: "a JSON array for an object", method: "POST", path: "/v1/traverse", body: [], status: 400, code: "INVALID_REQUEST", says: /must be object/ },
  { name: "not JSON at all", method: "POST", path: "/v1/nodes/batch", raw: "nodes=1", headers: { "content-type": "text/plain" }, status: 415, code: "UNSUPPORTED_MEDIA_TYPE", says: /application\/json/ },
  { name: "a body over maxBodyBytes", method: "POST", path: "/v1/events/playback", body: { events: Array.from({ length: 400 }, () => playStart("p".repeat(200), "t1", NOW)) }, status: 413, code: "BODY_TOO_LARGE", says: /maxBodyBytes of 65536/ },
  { name: "batch: nodes not a list", method: "POST", path: "/v1/nodes/batch", body: { nodes: "t1" }, status: 400, code: "INVALID_REQUEST", says: /body\.nodes: must be array/ },
  { name: "batch: nodes missing", method: "POST", path: "/v1/nodes/batch", body: {}, status: 400, code: "INVALID_REQUEST", says: /"nodes" is missing/ },
  { name: "batch: an unknown field", method: "POST", path: "/v1/nodes/batch", body: { nodes: [], limit: 3 }, status: 400, code: "INVALID_REQUEST", says: /"limit" is not a field/ },
  { name: "batch: a node without id", method: "POST", path: "/v1/nodes/batch", body: { nodes: [{ type: "title" }] }, status: 400, code: "INVALID_REQUEST", says: /body\.nodes\[0\]: "id" is missing/ },
  { name: "batch: an unknown node type", method: "POST", path: "/v1/nodes/batch", body: { nodes: [{ type: "planet", id: "x" }] }, status: 400, code: "UNKNOWN_TYPE", says: /body\.nodes\[0\]\.type/ },
  { name: "batch: over maxBatchSize", method: "POST", path: "/v1/nodes/batch", body: { nodes: Array.from({ length: 1001 }, (_, i) => ({ type: "title", id: `t${i}` })) }, status: 400, code: "LIMIT_EXCEEDED", says: /maxBatchSize of 1000/ },
  { name: "node: an unknown type", method: "GET", path: "/v1/nodes/planet/x", status: 400, code: "UNKNOWN_TYPE", says: /the node types are account, profile/ },
  { name: "node: an id over 256 bytes", method: "GET", path: `/v1/nodes/title/${"x".repeat(300)}`, status: 400, code: "INVALID_ID", says: /params\.id/ },
  { name: "node: a control character in the id", method: "GET", path: "/v1/nodes/title/t%01", status: 400, code: "INVALID_ID", says: /control characters/ },
  { name: "node: broken percent-encoding", method: "GET", path: "/v1/nodes/title/%E0%A4%A", status: 400, code: "INVALID_REQUEST", says: /percent-encoded/ },
  { name: "edges: an unknown edge type", method: "GET", path: "/v1/nodes/profile/p1/edges/liked", status: 400, code: "UNKNOWN_TYPE", says: /the edge types are/ },
  { name: "edges: an edge that does not start at the node's type", method: "GET", path: "/v1/nodes/title/t1/edges/watched", status: 400, code: "INVALID_REQUEST", says: /direction=in/ },
  { name: "edges: a direction that is neither out nor in", method: "GET", path: `${EDGES}?direction=sideways`, status: 400, code: "INVALID_REQUEST", says: /querystring\.direction/ },
  { name: "edges: a non-numeric limit", method: "GET", path: `${EDGES}?limit=ten`, status: 400, code: "INVALID_REQUEST", says: /querystring\.limit: must be integer/ },
  { name: "edges: a fractional limit", method: "GET", path: `${EDGES}?limit=1.5`, status: 400, code: "INVALID_REQUEST", says: /querystring\.limit/ },
  { name: "edges: limit 0", method: "GET", path: `${EDGES}?limit=0`, status: 400, code: "INVALID_REQUEST", says: /must be >= 1/ },
  { name: "edges: a limit over maxPageSize", method: "GET", path: `${EDGES}?limit=5000`, status: 400, code: "LIMIT_EXCEEDED", says: /maxPageSize of 1000/ },
  { name: "edges: two limits", method: "GET", path: `${EDGES}?limit=1&limit=2`, status: 400, code: "INVALID_REQUEST", says: /querystring\.limit/ },
  { name: "edges: an unknown order", method: "GET", path: `${EDGES}?order=random`, status: 400, code: "INVALID_REQUEST", says: /querystring\.order/ },
  { name: "edges: a non-numeric since", method: "GET", path: `${EDGES}?since=yesterday`, status: 400, code: "INVALID_REQUEST", says: /querystring\.since/ },
  { name: "edges: a negative since", method: "GET", path: `${EDGES}?since=-5`, status: 400, code: "INVALID_REQUEST", says: /must be >= 0/ },
  { name: "edges: an inverted window", method: "GET", path: `${EDGES}?since=2000&until=1000`, status: 400, code: "INVALID_QUERY", says: /until 1000 must be after since 2000/ },
  { name: "edges: an unknown parameter", method: "GET", path: `${EDGES}?limt=5`, status: 400, code: "INVALID_REQUEST", says: /"limt" is not a field/ },
  { name: "edges: a garbage cursor", method: "GET", path: `${EDGES}?cursor=garbage`, status: 400, code: "INVALID_CURSOR", says: /cursor/ },
  { name: "edges: a cursor of another node", method: "GET", path: () => `${EDGES}?limit=1&cursor=${cursors["p2"]}`, status: 400, code: "INVALID_CURSOR", says: /another query/ },
  { name: "edges: a cursor of another window", method: "GET", path: () => `${EDGES}?limit=1&since=1000&cursor=${cursors["p1"]}`, status: 400, code: "INVALID_CURSOR", says: /another time window/ },
  { name: "edges: a forged cursor with a bad window", method: "GET", path: () => `${EDGES}?cursor=${forged({ q: "watched|out|p1|latest", b: 1, k: "00".repeat(9), s: -5, u: 3 })}`, status: 400, code: "INVALID_CURSOR", says: /malformed/ },
  { name: "count: a non-boolean verify", method: "GET", path: `${COUNT}?verify=maybe`, status: 400, code: "INVALID_REQUEST", says: /querystring\.verify/ },
  { name: "count: an empty window", method: "GET", path: `${COUNT}?since=10&until=10`, status: 400, code: "INVALID_QUERY", says: /until 10 must be after since 10/ },
  { name: "traverse: no steps", method: "POST", path: "/v1/traverse", body: { start, steps: [] }, status: 400, code: "INVALID_REQUEST", says: /body\.steps/ },
  { name: "traverse: more steps than maxHops", method: "POST", path: "/v1/traverse", body: { start, steps: Array(5).fill({ edgeType: "watched" }) }, status: 400, code: "LIMIT_EXCEEDED", says: /maxHops of 4/ },
  { name: "traverse: a step that does not start where the last ended", method: "POST", path: "/v1/traverse", body: { start, steps: [{ edgeType: "watched" }, { edgeType: "watched" }] }, status: 400, code: "INVALID_REQUEST", says: /body\.steps\[1\]\.edgeType/ },
  { name: "traverse: a deadline over traversalDeadlineMs", method: "POST", path: "/v1/traverse", body: { start, steps: [{ edgeType: "watched" }], deadlineMs: 60_000 }, status: 400, code: "LIMIT_EXCEEDED", says: /traversalDeadlineMs of 1000/ },
  { name: "traverse: a text limit", method: "POST", path: "/v1/traverse", body: { start, steps: [{ edgeType: "watched" }], limit: "10" }, status: 400, code: "INVALID_REQUEST", says: /body\.limit: must be integer/ },
  { name: "traverse: an overall limit over maxTraversalEdges", method: "POST", path: "/v1/traverse", body: { start, steps: [{ edgeType: "watched" }], limit: 1e6 }, status: 400, code: "LIMIT_EXCEEDED", says: /maxTraversalEdges of 10000/ },
  { name: "traverse: an unknown start type", method: "POST", path: "/v1/traverse", body: { start: { type: "planet", id: "x" }, steps: [{ edgeType: "watched" }] }, status: 400, code: "UNKNOWN_TYPE", says: /body\.start\.type/ },
  { name: "traverse: an unknown filter operator", method: "POST", path: "/v1/traverse", body: { start, steps: [{ edgeType: "watched", filter: { kind: { between: [1, 2] } } }] }, status: 400, code: "INVALID_REQUEST", says: /filter/ },
  { name: "traverse: an inverted step window", method: "POST", path: "/v1/traverse", body: { start, steps: [{ edgeType: "watched", since: 5000, until: 10 }] }, status: 400, code: "INVALID_REQUEST", says: /until 10 must be after since 5000/ },
  { name: "events: events not a list", method: "POST", path: "/v1/events/playback", body: { events: "x" }, status: 400, code: "INVALID_REQUEST", says: /body\.events/ },
  { name: "events: an unknown topic", method: "POST", path: "/v1/events/weather", body: { events: [] }, status: 404, code: "NOT_FOUND", says: /the topics are/ },
  { name: "events: over maxBatchSize", method: "POST", path: "/v1/events/playback", body: { events: Array(1001).fill(1) }, status: 400, code: "LIMIT_EXCEEDED", says: /maxBatchSize of 1000/ },
  { name: "a wrong method on a node", method: "DELETE", path: "/v1/nodes/title/t1", status: 405, code: "METHOD_NOT_ALLOWED", says: /use GET or HEAD/ },
  { name: "a wrong method on traverse", method: "GET", path: "/v1/traverse", status: 405, code: "METHOD_NOT_ALLOWED", says: /use POST/ },
  { name: "a wrong method on events", method: "PUT", path: "/v1/events/playback", status: 405, code: "METHOD_NOT_ALLOWED" },
  { name: "an unknown path", method: "GET", path: "/v1/edges", status: 404, code: "ROUTE_NOT_FOUND", says: /openapi\.json/ },
  { name: "an unknown version", method: "GET", path: "/v2/nodes/title/t1", status: 404, code: "ROUTE_NOT_FOUND" },
];

for (const store of serverTestStores()) {
  describe(`malformed requests on ${store.name}`, () => {
    let kv: KvStore;
    let server: TestServer;
    beforeAll(async () => {
      const opened = await store.open();
      kv = opened.kv;
      server = await startTestServer({ graph: opened.graph, limits: { maxBodyBytes: 65_536 } });
      await server.post("/v1/events/playback", { events: [playStart("p1", "t1", NOW - 2000), playStart("p1", "t2", NOW - 1000), playStart("p2", "t1", NOW - 500), playStart("p2", "t2", NOW - 400)] });
      for (const p of ["p1", "p2"]) cursors[p] = encodeURIComponent((await server.get(`/v1/nodes/profile/${p}/edges/watched?limit=1`)).body.next);
    });
    afterAll(async () => {
      await server.close();
      await kv.close();
      await store.cleanup();
    });

    it(`answers each of ${MALFORMED.length} malformed requests with its documented 4xx JSON, and keeps serving`, async () => {
      expect(MALFORMED.length).toBeGreaterThanOrEqual(30);
      const wrong: string[] = [];
      for (const m of MALFORMED) {
        const path = typeof m.path === "function" ? m.path() : m.path;
        const r = await server.request(m.method, path, { ...(m.body === undefined ? {} : { body: m.body }), ...(m.raw === undefined ? {} : { raw: m.raw }), ...(m.headers === undefined ? {} : { headers: m.headers }) });
        const body = r.body as { code?: string; message?: string; field?: string };
        const ok =
          r.status === m.status &&
          r.headers.get("content-type")?.startsWith("application/json") === true &&
          body.code === m.code &&
          typeof body.message === "string" &&
          (m.says === undefined || m.says.test(`${body.field ?? ""} ${body.message}`));
        if (!ok) wrong.push(`${m.name}: got ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
        if (m.status === 405) expect(r.headers.get("allow")).toMatch(/GET|POST/);
      }
      expect(wrong).toEqual([]);
      // Still serving: a good request after all of them.
      const good = await server.get(`${EDGES}?limit=2`);
      expect(good.status).toBe(200);
      expect(good.body.edges.map((e: { other: string }) => e.other)).toEqual(["t2", "t1"]);
      expect((await server.get("/healthz")).status).toBe(200);
    });
  });
}
