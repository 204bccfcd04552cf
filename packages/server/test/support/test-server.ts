import type { FastifyInstance } from "fastify";
import type { AddressInfo } from "node:net";
import { mapMemberEvent, MEMBER_JOURNEY_TOPICS } from "@rdg/ingest";
import { createServer, type EventProcessor, type ServerOptions } from "../../src/index.js";

/** The member-journey topics, each mapped by the member-journey processor (as its ingestion job does). */
export const MEMBER_TOPICS: Readonly<Record<string, EventProcessor>> = Object.fromEntries(MEMBER_JOURNEY_TOPICS.map((t) => [t, { map: mapMemberEvent }]));

/** An answer: status, headers and the parsed JSON body (text when it is not JSON). */
export interface Answer<T = any> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** A real server on loopback and a client for it (fetch). */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly url: string;
  request<T = any>(method: string, path: string, options?: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string }): Promise<Answer<T>>;
  get<T = any>(path: string, token?: string): Promise<Answer<T>>;
  post<T = any>(path: string, body: unknown, token?: string): Promise<Answer<T>>;
  close(): Promise<void>;
}

export async function startTestServer(options: ServerOptions): Promise<TestServer> {
  const app = createServer({ topics: MEMBER_TOPICS, processMetrics: false, ...options });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const request = async (method: string, path: string, o: { body?: unknown; raw?: string; headers?: Record<string, string>; token?: string } = {}): Promise<Answer> => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token !== undefined) headers["authorization"] = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) {
      body = JSON.stringify(o.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(url + path, { method, headers, body, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, headers: res.headers, body: parsed };
  };
  return {
    app,
    url,
    request,
    get: (path, token) => request("GET", path, token === undefined ? {} : { token }),
    post: (path, body, token) => request("POST", path, token === undefined ? { body } : { body, token }),
    close: () => app.close(),
  };
}

/** A playStart event: profile `p` watched title `t` at `time`. */
export const playStart = (p: string, t: string, time: number, seconds = 0): Record<string, unknown> => ({ type: "playStart", profileId: p, titleId: t, deviceId: "tv-1", seconds, time });
