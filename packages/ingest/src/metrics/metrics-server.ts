import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { IngestOptionsError } from "../errors/ingest-options-error.js";

/** What a `MetricsServer` serves: an `IngestPrometheusMetrics`, or any prom-client `Registry`. */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

/** Options of `MetricsServer.listen`. */
export interface MetricsServerOptions {
  /** TCP port; 0 takes a free one (read it from `port`). */
  readonly port: number;
  /** Address to bind. @default "127.0.0.1": this machine only; "0.0.0.0" lets a scraper on another reach it */
  readonly host?: string;
  /** Path of the metrics. @default "/metrics" */
  readonly path?: string;
}

/**
 * A node:http server of Prometheus metrics: `GET` (or `HEAD`) of the path answers the text format,
 * another method there 405, any other path 404. `close` (or `await using`) stops it and drops
 * open keep-alive connections, so a scraper never holds a shutdown.
 */
export class MetricsServer implements AsyncDisposable {
  readonly host: string;
  /** The bound port (the one taken when `port` was 0). */
  readonly port: number;
  /** Where the metrics are, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  readonly #server: Server;
  #closed: Promise<void> | undefined;

  private constructor(server: Server, host: string, path: string) {
    this.#server = server;
    this.host = host;
    this.port = (server.address() as AddressInfo).port;
    this.url = `http://${host.includes(":") ? `[${host}]` : host}:${this.port}${path}`;
  }

  /** Starts serving `source`; a port in use or an address not of this machine fails with an `IngestOptionsError` naming it. */
  static async listen(source: MetricsSource, options: MetricsServerOptions): Promise<MetricsServer> {
    const { port, host = "127.0.0.1", path = "/metrics" } = options;
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new IngestOptionsError("port", `must be a TCP port, 0 to 65535, got ${port}`);
    if (!path.startsWith("/")) throw new IngestOptionsError("path", `must start with "/", got "${path}"`);
    const server = createServer((req, res) => void answer(source, path, req, res));
    server.listen(port, host);
    try {
      await once(server, "listening"); // rejects with the server's error
    } catch (error) {
      server.close();
      throw listenError(error, port, host);
    }
    return new MetricsServer(server, host, path);
  }

  /** Stops serving; runs once. */
  close(): Promise<void> {
    this.#closed ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

async function answer(source: MetricsSource, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const pathname = (req.url ?? "/").split("?", 1)[0];
  if (pathname !== path) return reply(res, 404, `not found; metrics are at ${path}\n`);
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.setHeader("allow", "GET, HEAD");
    return reply(res, 405, `method ${req.method} not allowed; use GET\n`);
  }
  let body: string;
  try {
    body = await source.metrics();
  } catch (error) {
    // The scrape fails visibly (Prometheus marks the target down) with the reason.
    return reply(res, 500, `metrics failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  res.writeHead(200, { "content-type": source.contentType, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

function listenError(error: unknown, port: number, host: string): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === "EADDRINUSE") return withCause(new IngestOptionsError("port", `${port} is in use on ${host}; pass another port, or stop the process listening there`), error);
  if (code === "EACCES") return withCause(new IngestOptionsError("port", `${port} on ${host} needs privileges; pass a port above 1023`), error);
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return withCause(new IngestOptionsError("host", `${host} is not an address of this machine; pass 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)`), error);
  }
  return error;
}

function withCause(error: IngestOptionsError, cause: unknown): IngestOptionsError {
  Object.defineProperty(error, "cause", { value: cause, configurable: true, writable: true });
  return error;
}
