import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphStore, graphNamespaces } from "@rdg/graph";
import { MemoryKvStore } from "@rdg/kv";
import { memberJourneySchema } from "@rdg/model";
import { TokenSet, checkBindHost, createServer, isLoopback, loadTokensFile, parseTokens, startServer, tokensFromEnv } from "../src/index.js";
import { playStart, startTestServer, type TestServer } from "./support/test-server.js";

const READER = "reader-token-0123456789";
const WRITER = "writer-token-0123456789";
const dir = mkdtempSync(join(tmpdir(), "rdg-server-tokens-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const graph = (): GraphStore => new GraphStore({ kv: new MemoryKvStore({ namespaces: graphNamespaces(memberJourneySchema) }), schema: memberJourneySchema });

describe("bearer tokens", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ graph: graph(), tokens: parseTokens(`${READER}:read,${WRITER}:read+write`, "RDG_TOKENS") });
  });
  afterAll(() => server.close());

  it("answers 401 without a token or with an unknown one, 403 with a read token on a write path", async () => {
    const none = await server.get("/v1/nodes/title/t1");
    expect(none).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED", message: expect.stringMatching(/Bearer/) } });
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="rdg"');
    expect(await server.get("/v1/nodes/title/t1", "unknown-token-0123456789")).toMatchObject({ status: 401, body: { code: "UNAUTHORIZED" } });
    expect(await server.request("GET", "/v1/nodes/title/t1", { headers: { authorization: `Basic ${READER}` } })).toMatchObject({ status: 401 });
    expect(await server.post("/v1/events/playback", { events: [] })).toMatchObject({ status: 401 });
    const forbidden = await server.post("/v1/events/playback", { events: [playStart("p1", "t1", Date.now())] }, READER);
    expect(forbidden).toMatchObject({ status: 403, body: { code: "FORBIDDEN", message: expect.stringMatching(/needs write/) } });
    expect(await server.get("/v1/nodes/profile/p1/edges/watched", READER)).toMatchObject({ status: 200, body: { edges: [] } }); // nothing was written
  });

  it("lets each token do what its scopes allow; health, readiness, metrics and docs need none", async () => {
    expect((await server.post("/v1/events/playback", { events: [playStart("p1", "t1", Date.now())] }, WRITER)).body.applied).toBe(1);
    expect((await server.get("/v1/nodes/profile/p1/edges/watched", READER)).body.edges).toHaveLength(1);
    expect((await server.post("/v1/traverse", { start: { type: "profile", id: "p1" }, steps: [{ edgeType: "watched" }] }, READER)).status).toBe(200);
    for (const path of ["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"]) expect((await server.get(path)).status).toBe(200);
  });
});

describe("tokens from the environment and from files", () => {
  it("parses token:scopes entries and refuses bad ones, naming what to change", () => {
    expect(parseTokens(`${READER}:read, ${WRITER}:read+write # comment`, "RDG_TOKENS").map((t) => t.scopes)).toEqual([["read"], ["read", "write"]]);
    expect(tokensFromEnv({ RDG_TOKENS: `${READER}:read` })).toHaveLength(1);
    expect(tokensFromEnv({})).toEqual([]);
    expect(() => parseTokens("no-scopes-here", "RDG_TOKENS")).toThrow(/not token:scopes/);
    expect(() => new TokenSet(parseTokens("short:read", "RDG_TOKENS"))).toThrow(/tokens\[0\]\.token: a token must be 16 to 512 characters/);
    expect(() => new TokenSet(parseTokens(`${READER}:admin`, "RDG_TOKENS"))).toThrow(/scopes must list "read", "write"/);
    expect(() => createServer({ graph: graph(), tokens: parseTokens(`${READER}:read,${READER}:write`, "RDG_TOKENS") })).toThrow(/listed twice/);
  });

  it("reads a JSON token file and a text one", () => {
    const json = join(dir, "tokens.json");
    writeFileSync(json, JSON.stringify({ tokens: [{ token: READER, scopes: ["read"], name: "loadtest" }] }));
    expect(loadTokensFile(json)).toEqual([{ token: READER, scopes: ["read"], name: "loadtest" }]);
    const text = join(dir, "tokens.txt");
    writeFileSync(text, `# readers\n${READER}:read\n${WRITER}:read+write\n`);
    expect(loadTokensFile(text)).toHaveLength(2);
    expect(() => loadTokensFile(join(dir, "absent"))).toThrow(/cannot read/);
  });
});

describe("without tokens", () => {
  it("binds loopback only and refuses any other host", async () => {
    expect(["127.0.0.1", "::1", "localhost", "127.1.2.3", "[::1]"].every(isLoopback)).toBe(true);
    expect(["0.0.0.0", "::", "192.168.1.2", "example.org"].some(isLoopback)).toBe(false);
    expect(() => checkBindHost("0.0.0.0", 0)).toThrow(/refusing to listen on 0.0.0.0 without tokens/);
    expect(() => checkBindHost("0.0.0.0", 1)).not.toThrow();
    await expect(startServer({ graph: graph(), host: "0.0.0.0", port: 0 })).rejects.toThrow(/without tokens/);
    const started = await startServer({ graph: graph(), host: "127.0.0.1", port: 0 });
    try {
      expect((await fetch(`${started.url}/v1/nodes/title/t1`)).status).toBe(404);
    } finally {
      await started.close();
    }
  });
});
