import { CliError, refusal } from "./cli-error.js";

/** An error answer of the query server: its status and its `{ code, message, field? }`. */
export class ServerAnswerError extends CliError {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(`the server answered ${status} ${code}: ${message}`);
    this.name = "ServerAnswerError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** Checks a `--url` flag: an http(s) URL without a path past `/`; exit 2 otherwise. */
export function parseServerUrl(text: string, flag = "--url"): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refusal(`${flag} must be the server's URL, e.g. http://127.0.0.1:8080, got "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refusal(`${flag} must start with http:// or https://, got "${text}"`);
  if (url.search !== "" || url.hash !== "") throw refusal(`${flag} must be the server's base URL without a query or fragment, got "${text}"`);
  return url.href.replace(/\/+$/, "");
}

/**
 * The few calls `rdg query --url` and `rdg loadtest` make to a running `rdg serve`: JSON in
 * and out, a bearer token when given, the server's error answers as `ServerAnswerError`, and
 * an unreachable server as one line that says how to start one.
 */
export class ServerClient {
  readonly url: string;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(url: string, options: { token?: string; timeoutMs?: number } = {}) {
    this.url = url;
    this.#headers = options.token === undefined ? {} : { authorization: `Bearer ${options.token}` };
    this.#timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Headers every request carries (the token), for load generators that send their own. */
  get headers(): Readonly<Record<string, string>> {
    return this.#headers;
  }

  get<T>(path: string): Promise<T> {
    return this.#send<T>(path, { method: "GET", headers: this.#headers });
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.#send<T>(path, { method: "POST", headers: { ...this.#headers, "content-type": "application/json" }, body: JSON.stringify(body) });
  }

  async #send<T>(path: string, init: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.url}${path}`, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = (error as Error).name === "TimeoutError" ? `no answer in ${this.#timeoutMs} ms` : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new CliError(`cannot reach the server at ${this.url} (${why}); start one with 'rdg serve --path DIR', or pass --url`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CliError(`the server at ${this.url} answered ${res.status} with a body that is not JSON (${JSON.stringify(text.slice(0, 80))}); is --url an rdg server?`);
    }
    if (!res.ok) {
      const e = body as { code?: unknown; message?: unknown; field?: unknown };
      throw new ServerAnswerError(res.status, typeof e.code === "string" ? e.code : "UNKNOWN", typeof e.message === "string" ? e.message : text, typeof e.field === "string" ? e.field : undefined);
    }
    return body as T;
  }
}

/** `/v1/nodes/{type}/{id}` with both parts percent-encoded. */
export const nodePath = (type: string, id: string): string => `/v1/nodes/${encodeURIComponent(type)}/${encodeURIComponent(id)}`;
