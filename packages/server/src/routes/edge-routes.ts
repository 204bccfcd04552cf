import type { FastifyInstance } from "fastify";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { edgesTag } from "../cache/read-cache.js";
import { sendJson } from "../http/json-answer.js";
import { signalOf, untilAborted } from "../http/request-signal.js";
import { exceeded } from "../limits/server-limits.js";
import { CountQuery, EdgeCountBody, EdgeParams, EdgesPage, EdgesQuery, withErrors } from "../schemas/api-schemas.js";
import type { ServerContext } from "../server-context.js";
import { checkNodeRef, resolveEdgeRead } from "./schema-checks.js";

/**
 * A page of a node's edges, serialized by the route's response schema; the first page (no
 * cursor) goes through the cache, which keeps the serialized bytes: a hit writes them as they
 * are (a 50-edge page is ~7 KiB of JSON, and serializing it cost more than the rest of a hit).
 */
async function readPage(ctx: ServerContext, type: string, id: string, edgeType: string, q: EdgesQuery, signal: AbortSignal, serialize: (body: EdgesPage) => string): Promise<Buffer> {
  const { edge, otherType } = resolveEdgeRead(ctx.graph.schema, type, edgeType, q.direction, "params.edgeType");
  const limit = q.limit ?? ctx.limits.defaultPageSize;
  if (limit > ctx.limits.maxPageSize) throw exceeded("querystring.limit", limit, "maxPageSize", ctx.limits.maxPageSize, `ask for at most ${ctx.limits.maxPageSize} and page with the cursor`);
  const order = q.order ?? "latest";
  const cacheable = q.cursor === undefined && ctx.cache.enabled;
  const key = `p\u0000${edge.def.name}\u0000${edge.direction}\u0000${id}\u0000${limit}\u0000${order}\u0000${q.since ?? ""}\u0000${q.until ?? ""}`;
  if (cacheable) {
    const hit = ctx.cache.get(key);
    ctx.metrics.cache("edges", hit !== undefined);
    if (hit !== undefined) return hit as Buffer;
  }
  const epoch = ctx.cache.epoch();
  const page = await ctx.graph.neighbors(id, { edge: edgeType, direction: q.direction, limit, order, since: q.since, until: q.until, cursor: q.cursor, signal });
  const body: EdgesPage = {
    node: { type, id },
    edgeType: edge.def.name,
    direction: edge.direction,
    otherType,
    edges: page.edges as EdgesPage["edges"],
    next: page.cursor ?? null,
  };
  const json = Buffer.from(serialize(body));
  if (cacheable) ctx.cache.set(key, json, key.length + 64 + json.length, [edgesTag(edge.def.name, id)], epoch);
  return json;
}

/** `GET /v1/nodes/{type}/{id}/edges/{edgeType}` and its `/count`. */
export function edgeRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  api.get("/v1/nodes/:type/:id/edges/:edgeType", {
    schema: {
      summary: "A page of a node's edges of one type, newest first, with the other end, the edge's properties and time, and next",
      tags: ["edges"],
      params: EdgeParams,
      querystring: EdgesQuery,
      response: withErrors({ 200: EdgesPage }),
      security: [{ bearer: [] }],
    },
    config: { scope: "read" },
  }, async (request, reply) => {
    const { type, id, edgeType } = request.params;
    checkNodeRef(ctx.graph.schema, type, id, "params");
    const signal = signalOf(request);
    const json = await untilAborted(signal, readPage(ctx, type, id, edgeType, request.query, signal, (body) => String(reply.serialize(body))));
    return sendJson(reply, json);
  });

  api.get("/v1/nodes/:type/:id/edges/:edgeType/count", {
    schema: {
      summary: "How many edges of one type a node has in a time window (what paging through the same window returns)",
      tags: ["edges"],
      params: EdgeParams,
      querystring: CountQuery,
      response: withErrors({ 200: EdgeCountBody }),
      security: [{ bearer: [] }],
    },
    config: { scope: "read" },
  }, async (request) => {
    const { type, id, edgeType } = request.params;
    const q = request.query;
    checkNodeRef(ctx.graph.schema, type, id, "params");
    const { edge } = resolveEdgeRead(ctx.graph.schema, type, edgeType, q.direction, "params.edgeType");
    const signal = signalOf(request);
    const counted = await untilAborted(signal, ctx.graph.countEdges(id, { edge: edgeType, direction: q.direction, since: q.since, until: q.until, verify: q.verify, signal }));
    return { node: { type, id }, edgeType: edge.def.name, direction: edge.direction, count: counted.count, verified: counted.verified };
  });
}
