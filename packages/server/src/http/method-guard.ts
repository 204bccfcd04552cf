import type { FastifyInstance } from "fastify";
import "./route-config.js";
import { errorReply } from "../errors/error-reply.js";
import { ServerError } from "../errors/server-error.js";
import type { ServerLimits } from "../limits/server-limits.js";

const METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"] as const;

/**
 * Answers every other method on `url` with 405 `METHOD_NOT_ALLOWED` and an `Allow` header,
 * rather than the 404 of an unknown path.
 */
export function guardMethods(app: FastifyInstance, url: string, allowed: readonly string[], limits: ServerLimits): void {
  const allow = allowed.includes("GET") ? [...allowed, "HEAD"] : [...allowed];
  const others = METHODS.filter((m) => !allow.includes(m));
  app.route({
    method: others,
    url,
    schema: { hide: true },
    config: { routeName: url },
    handler: async (request, reply) => {
      const { status, body } = errorReply(new ServerError("METHOD_NOT_ALLOWED", `${request.method} is not allowed on ${url}; use ${allow.join(" or ")}`, { field: "method" }), limits);
      return reply.code(status).header("allow", allow.join(", ")).send(body);
    },
  });
}
