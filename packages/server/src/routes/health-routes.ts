import type { FastifyInstance } from "fastify";
import { GRAPH_META_NAMESPACE } from "@rdg/graph";
import { ServerError } from "../errors/server-error.js";
import { StatusBody, withErrors } from "../schemas/api-schemas.js";
import type { ServerContext } from "../server-context.js";

/** How long /readyz waits for the store. */
const READY_TIMEOUT_MS = 2000;

async function storeAnswers(ctx: ServerContext): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
  });
  try {
    await Promise.race([
      (async () => {
        await ctx.graph.ready();
        await ctx.graph.kv.getItems(GRAPH_META_NAMESPACE, "schema", { limit: 1 });
      })(),
      timeout,
    ]);
  } catch (error) {
    throw new ServerError("NOT_READY", `the store does not answer (${error instanceof Error ? error.message : String(error)}); start it, or wait`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

/** `/healthz` (the process answers), `/readyz` (the store answers) and `/metrics` (Prometheus). */
export function healthRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get("/healthz", { schema: { summary: "The process answers", tags: ["operations"], response: withErrors({ 200: StatusBody }) } }, async () => ({ status: "ok" }));

  app.get("/readyz", { schema: { summary: "The store answers: 200, or 503 NOT_READY", tags: ["operations"], response: withErrors({ 200: StatusBody }) } }, async () => {
    await storeAnswers(ctx);
    return ctx.store === undefined ? { status: "ready" } : { status: "ready", store: ctx.store };
  });

  app.get("/metrics", { schema: { summary: "Prometheus metrics: requests, latency, cache, events, process", tags: ["operations"] } }, async (_request, reply) => {
    const text = await ctx.metrics.registry.metrics();
    return reply.type(ctx.metrics.registry.contentType).send(text);
  });
}
