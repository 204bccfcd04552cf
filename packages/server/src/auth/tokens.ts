import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { ServerError } from "../errors/server-error.js";

/** What a token allows: `read` the graph, `write` events. */
export type Scope = "read" | "write";

/** One bearer token and its scopes. */
export interface TokenEntry {
  /** The secret, 16 characters at least (letters, digits and `._~+/=-`). */
  readonly token: string;
  readonly scopes: readonly Scope[];
  /** A name for logs; the token itself is never logged. @default "token <n>" */
  readonly name?: string;
}

const TOKEN = /^[A-Za-z0-9._~+/=-]{16,512}$/;
const SCOPES: readonly Scope[] = ["read", "write"];

const digest = (token: string): string => createHash("sha256").update(token).digest("hex");

/**
 * The tokens a server accepts. Lookups go through a SHA-256 of the token, so how long a lookup
 * takes says nothing about how much of a guess was right.
 */
export class TokenSet {
  readonly #byDigest = new Map<string, { name: string; scopes: ReadonlySet<Scope> }>();

  constructor(entries: readonly TokenEntry[]) {
    entries.forEach((e, i) => {
      const where = `tokens[${i}]`;
      if (typeof e.token !== "string" || !TOKEN.test(e.token)) {
        throw new ServerError("INVALID_ARGUMENT", "a token must be 16 to 512 characters of letters, digits and ._~+/=- (make one with: openssl rand -hex 24)", { field: `${where}.token` });
      }
      if (!Array.isArray(e.scopes) || e.scopes.length === 0 || !e.scopes.every((s) => SCOPES.includes(s))) {
        throw new ServerError("INVALID_ARGUMENT", `scopes must list "read", "write" or both, got ${JSON.stringify(e.scopes)}`, { field: `${where}.scopes` });
      }
      const key = digest(e.token);
      if (this.#byDigest.has(key)) throw new ServerError("INVALID_ARGUMENT", "the same token is listed twice; list each token once with all its scopes", { field: where });
      this.#byDigest.set(key, { name: e.name ?? `token ${i + 1}`, scopes: new Set(e.scopes) });
    });
  }

  /** How many tokens there are; 0 means the server runs without tokens (loopback only). */
  get size(): number {
    return this.#byDigest.size;
  }

  /** The name and scopes of a token, or undefined when it is not one of these. */
  lookup(token: string): { readonly name: string; readonly scopes: ReadonlySet<Scope> } | undefined {
    return this.#byDigest.get(digest(token));
  }
}

/**
 * Tokens written as `token:scopes` entries, separated by commas or new lines, scopes `read`,
 * `write` or `read+write`; `#` starts a comment. The format of `RDG_TOKENS`
 * (`RDG_TOKENS="s3cr3t-reader-0001:read,s3cr3t-writer-0001:read+write"`) and of a token file.
 */
export function parseTokens(text: string, where: string): TokenEntry[] {
  const out: TokenEntry[] = [];
  const entries = text.split(/\r?\n/).map((line) => line.replace(/#.*$/, "")).flatMap((line) => line.split(",")).map((e) => e.trim()).filter((e) => e !== "");
  entries.forEach((entry, i) => {
    const at = entry.lastIndexOf(":");
    if (at <= 0) throw new ServerError("INVALID_ARGUMENT", `entry ${i + 1} is not token:scopes (e.g. my-long-secret-token:read+write)`, { field: where });
    const scopes = entry.slice(at + 1).split("+").map((s) => s.trim());
    out.push({ token: entry.slice(0, at), scopes: scopes as Scope[], name: `${where} entry ${i + 1}` });
  });
  return out;
}

/**
 * Tokens of a file: JSON `{ "tokens": [{ "token": "...", "scopes": ["read"], "name": "loadtest" }] }`,
 * or text in the `RDG_TOKENS` format, one `token:scopes` per line.
 */
export function loadTokensFile(path: string): TokenEntry[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ServerError("INVALID_ARGUMENT", `cannot read ${path} (${(error as Error).message}); pass a file of tokens`, { field: "tokens", cause: error });
  }
  if (!text.trimStart().startsWith("{")) return parseTokens(text, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ServerError("INVALID_ARGUMENT", `${path} is not valid JSON (${(error as Error).message})`, { field: "tokens", cause: error });
  }
  const tokens = (parsed as { tokens?: unknown }).tokens;
  if (!Array.isArray(tokens)) throw new ServerError("INVALID_ARGUMENT", `${path} must hold { "tokens": [{ "token": "...", "scopes": ["read"] }] }`, { field: "tokens" });
  return tokens as TokenEntry[];
}

/** Tokens of the `RDG_TOKENS` environment variable, or none when it is unset or empty. */
export function tokensFromEnv(env: NodeJS.ProcessEnv = process.env): TokenEntry[] {
  const text = env["RDG_TOKENS"];
  return text === undefined || text.trim() === "" ? [] : parseTokens(text, "RDG_TOKENS");
}

/** True for an address only this machine reaches: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}
