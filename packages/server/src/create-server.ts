import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import { Ajv } from "ajv";
import type { GraphStore } from "@rdg/graph";
import { TokenSet, type TokenEntry } from "./auth/tokens.js";
import { authorize } from "./auth/authorize.js";
import { ReadCache, type ReadCacheOptions } from "./cache/read-cache.js";
import { errorReply } from "./errors/error-reply.js";
import { ServerError } from "./errors/server-error.js";
import { guardMethods } from "./http/method-guard.js";
import { endRequestSignal, startRequestSignal } from "./http/request-signal.js";
import "./http/route-config.js";
import { resolveLimits, type ServerLimits } from "./limits/server-limits.js";
import { ServerMetrics } from "./metrics/server-metrics.js";
import { edgeRoutes } from "./routes/edge-routes.js";
import { eventRoutes } from "./routes/event-routes.js";
import { healthRoutes } from "./routes/health-routes.js";
import { nodeRoutes } from "./routes/node-routes.js";
import { traverseRoute } from "./routes/traverse-route.js";
import type { EventProcessor, ServerContext } from "./server-context.js";

/** Options of `createServer`. */
export interface ServerOptions {
  /** The graph to serve (`openGraphStore` of `@rdg/stores` opens one from a configuration). */
  readonly graph: GraphStore;
  /** Limits and request defaults; each one not given keeps its default (`DEFAULT_SERVER_LIMITS`). @default {} */
  readonly limits?: Partial<ServerLimits>;
  /**
   * Bearer tokens and their scopes. Without any, every path is open but only to this machine:
   * requests from other addresses are refused (403), and `startServer` binds loopback only.
   * @default [] (no tokens)
   */
  readonly tokens?: readonly TokenEntry[];
  /** Topic name to the processor of its events, for `POST /v1/events/{topic}`. @default {} (no topic) */
  readonly topics?: Readonly<Record<string, EventProcessor>>;
  /** Bounds of the cache of nodes and first neighbour pages. @default DEFAULT_CACHE */
  readonly cache?: ReadCacheOptions;
  /** A pino (or fastify) logger; the server logs nothing without one. @default none */
  readonly logger?: FastifyBaseLogger;
  /** Add prom-client's process metrics (CPU, memory, event loop) to /metrics. @default true */
  readonly processMetrics?: boolean;
  /** One line naming the store, for /readyz and the log, e.g. `LMDB /data/graph`. @default none */
  readonly store?: string;
}

const OPENAPI_INFO = {
  title: "RDG query server",
  version: "1",
  description: "Nodes, neighbours, counts and traversals of an RDG graph, and events written through the topics' processors. Errors are { code, message, field? }.",
};

/** Two validators: path and query parameters are text and are coerced; a JSON body is checked as sent. */
function validators(): (route: { schema: object; httpPart?: string }) => (data: unknown) => boolean {
  const base = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const;
  const coercing = new Ajv({ ...base, coerceTypes: "array" });
  const exact = new Ajv({ ...base, coerceTypes: false });
  return ({ schema, httpPart }) => (httpPart === "body" ? exact : coercing).compile(schema);
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply, limits: ServerLimits): FastifyReply {
  const r = errorReply(error, limits);
  if (r.body.code === "INTERNAL") request.log.error({ err: error }, "internal error");
  else if (r.status >= 500) request.log.warn({ code: r.body.code, message: r.body.message }, "request failed");
  if (r.retryAfterSeconds !== undefined) void reply.header("retry-after", String(r.retryAfterSeconds));
  if (r.body.code === "UNAUTHORIZED") void reply.header("www-authenticate", 'Bearer realm="rdg"');
  return reply.code(r.status).send(r.body);
}

/**
 * The query server on `options.graph`: the fastify instance, not yet listening (`listen({ port: 0 })`
 * in tests; `startServer` checks the host against the tokens first). Close it with `close()`; the
 * graph's store stays open (the caller owns it).
 */
export function createServer(options: ServerOptions): FastifyInstance {
  const limits = resolveLimits(options.limits);
  const tokens = new TokenSet(options.tokens ?? []);
  const cache = new ReadCache<unknown>(options.cache);
  const metrics = new ServerMetrics(() => ({ size: cache.size, bytes: cache.bytes }), { processMetrics: options.processMetrics ?? true });
  const ctx: ServerContext = { graph: options.graph, limits, cache, metrics, topics: options.topics ?? {}, store: options.store };

  const app = Fastify({
    ...(options.logger === undefined ? { logger: false } : { loggerInstance: options.logger }),
    // Fastify's two lines per request cost more than the requests; onResponse logs one at debug.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.maxBodyBytes,
    routerOptions: { maxParamLength: 16_384 },
    return503OnClosing: true,
    frameworkErrors: (error, request, reply) => {
      const bad = error.code === "FST_ERR_BAD_URL" ? new ServerError("INVALID_REQUEST", "the path is not valid percent-encoded UTF-8; encode ids with encodeURIComponent", { field: "path" }) : error;
      sendError(bad, request, reply, limits);
    },
  });
  app.setValidatorCompiler(validators());
  // Every body is JSON: anything else is 415, not a string that fails validation later.
  app.removeContentTypeParser("text/plain");
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply, limits));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split("?")[0]!.slice(0, 200);
    sendError(new ServerError("ROUTE_NOT_FOUND", `no path ${request.method} ${path}; GET /openapi.json lists the paths (docs at /docs)`, { field: "path" }), request, reply, limits);
  });

  app.addHook("onRequest", async (request, reply) => {
    startRequestSignal(request, reply, limits.requestTimeoutMs);
    authorize(request, tokens);
  });
  app.addHook("onResponse", async (request, reply) => {
    endRequestSignal(request);
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, "request");
    const route = request.routeOptions.config.routeName ?? request.routeOptions.url ?? "unmatched";
    metrics.request(reply.statusCode === 404 && request.routeOptions.url === undefined ? "unmatched" : route, request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  void app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: OPENAPI_INFO,
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A token with the read scope (write for /v1/events)" } } },
    },
  });
  void app.register(swaggerUi, { routePrefix: "/docs" });
  void app.register(async (api) => {
    nodeRoutes(api, ctx);
    edgeRoutes(api, ctx);
    traverseRoute(api, ctx);
    eventRoutes(api, ctx);
    healthRoutes(api, ctx);
    api.get("/openapi.json", { schema: { hide: true } }, async () => api.swagger());
    const paths: [string, string[]][] = [
      ["/v1/nodes/:type/:id", ["GET"]],
      ["/v1/nodes/batch", ["POST"]],
      ["/v1/nodes/:type/:id/edges/:edgeType", ["GET"]],
      ["/v1/nodes/:type/:id/edges/:edgeType/count", ["GET"]],
      ["/v1/traverse", ["POST"]],
      ["/v1/events/:topic", ["POST"]],
      ["/healthz", ["GET"]],
      ["/readyz", ["GET"]],
      ["/metrics", ["GET"]],
      ["/openapi.json", ["GET"]],
    ];
    for (const [url, allowed] of paths) guardMethods(api, url, allowed, limits);
  });
  return app;
}
