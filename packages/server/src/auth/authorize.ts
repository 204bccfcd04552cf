import type { FastifyRequest } from "fastify";
import { ServerError } from "../errors/server-error.js";
import { isLoopback, type TokenSet } from "./tokens.js";

const BEARER = /^Bearer +([^\s]+) *$/i;

/**
 * Lets a request through or throws: without tokens, only this machine may ask anything (403);
 * with tokens, a path that needs a scope needs a known bearer token (401) that has it (403).
 */
export function authorize(request: FastifyRequest, tokens: TokenSet): void {
  if (tokens.size === 0) {
    const from = request.socket.remoteAddress ?? "";
    if (!isLoopback(from)) {
      throw new ServerError("FORBIDDEN", "this server has no tokens and answers this machine only; its operator must configure tokens (--tokens FILE or RDG_TOKENS) to serve other machines");
    }
    return;
  }
  const scope = request.routeOptions.config.scope;
  if (scope === undefined) return;
  const header = request.headers.authorization;
  if (header === undefined) throw new ServerError("UNAUTHORIZED", `${request.method} ${request.routeOptions.url ?? ""} needs a token with the ${scope} scope; send Authorization: Bearer <token>`, { field: "authorization" });
  const match = BEARER.exec(header);
  if (match === null) throw new ServerError("UNAUTHORIZED", "the Authorization header must be 'Bearer <token>'", { field: "authorization" });
  const known = tokens.lookup(match[1]!);
  if (known === undefined) throw new ServerError("UNAUTHORIZED", "the bearer token is not one this server knows; check it, or ask the operator for one", { field: "authorization" });
  if (!known.scopes.has(scope)) {
    throw new ServerError("FORBIDDEN", `this token has the ${[...known.scopes].join(" and ")} scope, and ${request.method} ${request.routeOptions.url ?? ""} needs ${scope}; use a token with the ${scope} scope`, { field: "authorization" });
  }
}
