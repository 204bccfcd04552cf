import type { FastifyInstance } from "fastify";
import { isLoopback } from "./auth/tokens.js";
import { createServer, type ServerOptions } from "./create-server.js";
import { ServerError } from "./errors/server-error.js";

/** Options of `startServer`: the server's, and where it listens. */
export interface StartServerOptions extends ServerOptions {
  /** Address to bind; any address but loopback needs tokens. @default "127.0.0.1" */
  readonly host?: string;
  /** TCP port; 0 picks a free one. @default 8080 */
  readonly port?: number;
}

/** A server that listens. */
export interface StartedServer extends AsyncDisposable {
  readonly app: FastifyInstance;
  /** `http://host:port`, the port it got. */
  readonly url: string;
  /** Stops taking requests, answers those in flight, closes connections. The graph's store stays open. */
  close(): Promise<void>;
}

/**
 * Refuses to expose a server without tokens: any host but loopback (127.0.0.1, ::1,
 * localhost) needs at least one token.
 */
export function checkBindHost(host: string, tokenCount: number): void {
  if (tokenCount === 0 && !isLoopback(host)) {
    throw new ServerError(
      "INVALID_ARGUMENT",
      `refusing to listen on ${host} without tokens: anyone who reaches it could read the graph; configure tokens (--tokens FILE or RDG_TOKENS="token:read,...") or bind 127.0.0.1`,
      { field: "host" },
    );
  }
}

/** Checks the host against the tokens, creates the server and listens. */
export async function startServer(options: StartServerOptions): Promise<StartedServer> {
  const host = options.host ?? "127.0.0.1";
  const tokens = options.tokens ?? [];
  checkBindHost(host, tokens.length);
  const app = createServer(options);
  await app.listen({ host, port: options.port ?? 8080 });
  const address = app.server.address();
  const port = typeof address === "object" && address !== null ? address.port : (options.port ?? 8080);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  if (tokens.length === 0) app.log.warn(`no tokens configured: every path is open, to this machine only (${host})`);
  const close = (): Promise<void> => app.close();
  return { app, url, close, [Symbol.asyncDispose]: close };
}
